//! The README and the reference pages under `docs/` are tested: every ```` ```bash ````
//! block in them runs, in order (`PAGES`), in one bash session, against a devstack of its own
//! (blocks in other fences, such as `make run` or deploying, are not run). The blocks are read
//! from the pages themselves, so a change to either the docs or the product that breaks an
//! example breaks the build.
//!
//! The script runs as a newcomer's shell would: from a directory laid out like the
//! repository (`target/` is the workspace's, built by `make test` before this runs;
//! `.local/` holds this devstack's `devstack.json` and `devstack.env`), with no AWS or
//! afterclick variables set. `curl` is wrapped to keep each response's status and body.
//! A comment line `# -> 201 {"status": "pending"}` states what the curl before it answers:
//! the status, and fields the body must contain (`"..."` stands for any value,
//! `"we_..."` for any string starting `we_`, `[...]` for any list). Every other call must
//! succeed (status below 400), and the script must exit 0.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use afterclick_e2e::{Stack, function_binaries, unique, workspace_root};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The pages whose examples run, in this order: the README's walkthrough defines the shell
/// variables the reference pages use.
const PAGES: [&str; 5] = [
    "README.md",
    "docs/api.md",
    "docs/notifications.md",
    "docs/carriers.md",
    "docs/testing.md",
];

/// What a page's comment says a call answers.
#[derive(Debug)]
struct Expectation {
    /// Page and line, for messages.
    at: String,
    /// Unique across pages: names the call this expectation is about.
    mark: usize,
    status: u16,
    fields: Option<Value>,
}

/// A page's bash blocks, with marks after each expectation, and the expectations; marks
/// count on from `marks` (the expectations of the pages before).
fn script(page: &str, text: &str, marks: usize) -> (String, Vec<Expectation>) {
    let mut script = String::new();
    let mut expectations = Vec::new();
    let mut in_bash = false;
    let mut in_other = false;
    for (i, line) in text.lines().enumerate() {
        let number = i + 1;
        let fence = line.trim_start().starts_with("```");
        if fence && !in_bash && !in_other {
            in_bash = line.trim() == "```bash";
            in_other = !in_bash;
            if in_bash {
                script.push_str(&format!("# {page} line {number}\n"));
            }
            continue;
        }
        if fence {
            (in_bash, in_other) = (false, false);
            continue;
        }
        if !in_bash {
            continue;
        }
        script.push_str(line);
        script.push('\n');
        if let Some(expectation) = expectation(
            format!("{page}:{number}"),
            marks + 1 + expectations.len(),
            line,
        ) {
            script.push_str(&format!("__mark {}\n", expectation.mark));
            expectations.push(expectation);
        }
    }
    (script, expectations)
}

/// `# -> 202 {...}` on a line of its own.
fn expectation(at: String, mark: usize, text: &str) -> Option<Expectation> {
    let rest = text
        .trim()
        .strip_prefix('#')?
        .trim()
        .strip_prefix("->")?
        .trim();
    let status: u16 = rest.get(..3)?.parse().ok()?;
    let fields = rest[3..].trim();
    let fields = (!fields.is_empty()).then(|| {
        let lenient = fields.replace("[...]", "\"...\"");
        serde_json::from_str(&lenient)
            .unwrap_or_else(|e| panic!("{at}: the expected fields are not JSON: {e}"))
    });
    Some(Expectation {
        at,
        mark,
        status,
        fields,
    })
}

/// Whether `actual` has every field of `expected` (objects: a subset; `"..."`: anything;
/// `"abc..."`: a string starting `abc`).
fn contains(actual: &Value, expected: &Value) -> bool {
    match (actual, expected) {
        (_, Value::String(e)) if e == "..." => true,
        (Value::String(a), Value::String(e)) if e.ends_with("...") => {
            a.starts_with(e.trim_end_matches("..."))
        }
        (Value::Object(a), Value::Object(e)) => e
            .iter()
            .all(|(k, v)| a.get(k).is_some_and(|a| contains(a, v))),
        _ => actual == expected,
    }
}

const PRELUDE: &str = r#"set -e
# Each call: its arguments, the response's headers and body, in order of the calls.
curl() {
  local id
  id=$(date +%s%N)-$RANDOM
  printf '%s\n' "$id" >> "$README_RUN/calls"
  printf '%s\n' "$*" > "$README_RUN/$id.args"
  command curl -D "$README_RUN/$id.headers" "$@" | tee "$README_RUN/$id.body"
}
# The call a README expectation is about: the last one made.
__mark() { tail -n 1 "$README_RUN/calls" > "$README_RUN/mark-$1"; }
"#;

struct Call {
    args: String,
    status: Option<u16>,
    body: String,
}

fn call(run: &Path, id: &str) -> Call {
    let read =
        |ext: &str| std::fs::read_to_string(run.join(format!("{id}.{ext}"))).unwrap_or_default();
    // The last response's status line (a `100 Continue` can come first).
    let status = read("headers")
        .lines()
        .rfind(|l| l.starts_with("HTTP/"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse().ok());
    Call {
        args: read("args").trim().to_owned(),
        status,
        body: read("body"),
    }
}

/// A directory laid out like the repository for the script: the workspace's `target/`,
/// and a `.local/` describing this test's devstack.
fn checkout(stack: &Stack) -> PathBuf {
    let dir = std::env::temp_dir().join(unique("readme"));
    std::fs::create_dir_all(dir.join(".local/run")).unwrap();
    let target = function_binaries().parent().unwrap().to_owned();
    std::os::unix::fs::symlink(&target, dir.join("target")).unwrap();
    let info = stack.info();
    std::fs::write(
        dir.join(".local/devstack.json"),
        serde_json::to_string_pretty(info).unwrap(),
    )
    .unwrap();
    std::fs::write(
        dir.join(".local/devstack.env"),
        info.shell_env(
            &stack.dynamodb_endpoint,
            stack.table(),
            &stack.devstack.kms_endpoint,
        ),
    )
    .unwrap();
    dir
}

/// Runs the pages' bash blocks against `stack` and checks what they answer.
async fn run_readme(stack: &Stack) {
    let mut body = String::new();
    let mut expectations = Vec::new();
    for page in PAGES {
        let text = std::fs::read_to_string(workspace_root().join(page)).unwrap();
        let (blocks, expected) = script(page, &text, expectations.len());
        body.push_str(&blocks);
        expectations.extend(expected);
    }
    assert!(
        expectations.len() >= 15,
        "the docs state what their examples answer: {expectations:?}"
    );
    let dir = checkout(stack);
    let run = dir.join(".local/run");
    std::fs::write(dir.join("readme.sh"), format!("{PRELUDE}{body}")).unwrap();
    let mut command = Command::new("bash");
    command
        .arg("readme.sh")
        .current_dir(&dir)
        .env("README_RUN", &run);
    // A newcomer's shell: nothing of ours or AWS's set.
    for (name, _) in std::env::vars() {
        if name.starts_with("AWS_") || name.starts_with("AFTERCLICK_") {
            command.env_remove(name);
        }
    }
    let output = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the README's examples stopped ({}):\n{stdout}\n{stderr}",
        output.status
    );

    let ids: Vec<String> = std::fs::read_to_string(run.join("calls"))
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    let marked: std::collections::BTreeMap<String, &Expectation> = expectations
        .iter()
        .map(|e| {
            let id = std::fs::read_to_string(run.join(format!("mark-{}", e.mark)))
                .unwrap_or_else(|_| panic!("{}: never reached", e.at));
            (id.trim().to_owned(), e)
        })
        .collect();
    assert_eq!(
        marked.len(),
        expectations.len(),
        "each expectation follows its own call"
    );
    for id in &ids {
        let call = call(&run, id);
        let status = call
            .status
            .unwrap_or_else(|| panic!("no response to `curl {}`", call.args));
        match marked.get(id) {
            Some(e) => {
                assert_eq!(
                    status, e.status,
                    "{}: `curl {}` answered {}",
                    e.at, call.args, call.body
                );
                if let Some(fields) = &e.fields {
                    let body: Value = serde_json::from_str(&call.body)
                        .unwrap_or_else(|err| panic!("{}: not JSON ({err}): {}", e.at, call.body));
                    assert!(
                        contains(&body, fields),
                        "{}: {fields} is not in {body:#}",
                        e.at
                    );
                }
            }
            None => assert!(
                status < 400,
                "`curl {}` answered {status} {}",
                call.args,
                call.body
            ),
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A fresh clone, then a clone whose first `make run` was stopped halfway through the demo:
/// the second start keeps the demo key, finishes the demo, and the README still holds.
/// (One after the other: the README's examples share files under /tmp.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_readme_example_runs_as_written() {
    let fresh = Stack::start().await;
    run_readme(&fresh).await;
    fresh.devstack.stop().await;

    let stack = Stack::start().await;
    let info = stack.info().clone();
    let r = stack
        .register(
            &info.api_key,
            &serde_json::json!({
                "tracking_number": "1ZDEMO0000000001", "carrier": "ups",
                "order_number": "DEMO-1001", "customer": {"name": "Alex Demo",
                "email": "customer@example.com", "locale": "en"}
            }),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    stack
        .scan(
            "1ZDEMO0000000001",
            "info_received",
            chrono::Utc::now() - chrono::Duration::hours(74),
        )
        .await;
    let stack = stack.restart().await;
    assert_eq!(stack.info().api_key, info.api_key, "the demo key is kept");
    let pages = afterclick_devstack::demo::seed(stack.info(), chrono::Utc::now())
        .await
        .unwrap();
    stack
        .wait_for_shipment(
            &info.api_key,
            &pages[0].shipment_id,
            "the demo delivered",
            |s| s["status"] == "delivered",
        )
        .await;
    run_readme(&stack).await;
    stack.devstack.stop().await;
}

#[test]
fn expectations_are_read_and_matched_as_documented() {
    // Marks count on from the pages before: three expectations there, so this one is the 4th.
    let (script, expectations) = script(
        "docs/api.md",
        "text\n```bash\ncurl a\n# -> 201 {\"id\": \"shp_...\", \"items\": [...]}\n```\n\
         ```sh\nmake run\n# -> 200\n```\n",
        3,
    );
    assert!(script.contains("curl a\n# -> 201") && script.contains("__mark 4\n"));
    assert!(script.contains("# docs/api.md line 2\n"));
    assert!(!script.contains("make run"));
    assert_eq!(expectations.len(), 1);
    assert_eq!(expectations[0].at, "docs/api.md:4");
    let fields = expectations[0].fields.as_ref().unwrap();
    let good = serde_json::json!({"id": "shp_1", "items": [1], "more": true});
    let bad = serde_json::json!({"id": "we_1", "items": []});
    assert!(contains(&good, fields));
    assert!(!contains(&bad, fields));
    assert!(!contains(&serde_json::json!({"items": []}), fields));
}
