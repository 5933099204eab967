#!/usr/bin/env python3
"""Summarise the provider benchmark: per-event cost of parse+normalise vs serde_json::Value."""
import json, pathlib, sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "target/criterion/providers")
def mean_ns(kind, provider):
    est = root / kind / provider / "new" / "estimates.json"
    return json.loads(est.read_text())["mean"]["point_estimate"]

def events(provider):
    bench = root / "parse" / provider / "new" / "benchmark.json"
    return json.loads(bench.read_text())["throughput"]["Elements"]

print(f"{'provider':<10} {'events':>6} {'parse ns/event':>15} {'Value ns/event':>15} {'ratio':>6}")
for provider in ["easypost", "shippo", "aftership", "17track", "ups"]:
    try:
        n = events(provider)
        p, v = mean_ns("parse", provider) / n, mean_ns("json_value", provider) / n
    except FileNotFoundError:
        continue
    print(f"{provider:<10} {n:>6} {p:>15.0f} {v:>15.0f} {p / v:>6.2f}")
