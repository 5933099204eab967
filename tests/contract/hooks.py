"""Schemathesis hooks for afterclick's contract test (tests/tests/api_contract.rs).

Adds two checks to schemathesis' own: every error response is an RFC 9457 problem
(`application/problem+json` with type, title, status and detail, `status` equal to the HTTP
status), except where the document says the operation answers that status in HTML (the
customer-facing pages' friendly error pages); and the run's own API key is never refused
(an operation that revoked it would leave every later case testing only the 401 path).
"""

import json
import os

import schemathesis


def _pointer(schema, ref):
    node = schema
    for part in ref.lstrip("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def _documented_media_types(case, status):
    schema = case.operation.schema.raw_schema
    responses = case.operation.definition.raw.get("responses", {})
    response = responses.get(str(status)) or responses.get(f"{str(status)[0]}XX") or responses.get("default")
    while isinstance(response, dict) and "$ref" in response:
        response = _pointer(schema, response["$ref"])
    return set((response or {}).get("content", {}))


@schemathesis.serializer("text/csv")
def csv_serializer(ctx, value):
    """Invoice uploads (`POST /v1/invoices`): the generated string, as UTF-8."""
    if isinstance(value, bytes):
        return value
    return value.encode("utf-8") if isinstance(value, str) else json.dumps(value).encode("utf-8")


@schemathesis.check
def problem_details(ctx, response, case):
    """Errors are application/problem+json RFC 9457 documents (HTML pages excepted)."""
    status = response.status_code
    if status < 400:
        return None
    content_type = (response.headers.get("content-type") or [""])[0]
    media_type = content_type.split(";")[0].strip().lower()
    if media_type == "text/html" and "text/html" in _documented_media_types(case, status):
        return None
    if media_type != "application/problem+json":
        raise AssertionError(
            f"{status} answered with Content-Type `{content_type}`, expected application/problem+json"
        )
    try:
        body = json.loads(response.content)
    except ValueError as err:
        raise AssertionError(f"{status} problem body is not JSON: {err}") from None
    if not isinstance(body, dict):
        raise AssertionError(f"{status} problem body is not an object")
    missing = [k for k in ("type", "title", "status", "detail") if k not in body]
    if missing:
        raise AssertionError(f"{status} problem lacks {', '.join(missing)}")
    if body["status"] != status:
        raise AssertionError(f"problem says status {body['status']}, HTTP says {status}")
    if not str(body["type"]).startswith("/problems/"):
        raise AssertionError(f"problem type `{body['type']}` is not /problems/<slug>")
    return None


@schemathesis.check
def seeded_key_keeps_working(ctx, response, case):
    """A 401 for the run's own API key means an operation (a rotation?) revoked it, and every
    later authenticated case would only test the 401 path."""
    if response.status_code != 401:
        return None
    sent = response.request.headers.get("Authorization")
    if sent and sent == os.environ.get("AFTERCLICK_CONTRACT_AUTHORIZATION"):
        raise AssertionError("the run's valid API key was refused: an operation revoked it")
    return None
