#!/usr/bin/env python3
"""Rows/s and peak RSS of `ferry export` (sample source -> CSV file).

Runs the release binary once per size, reads the child's peak RSS from
getrusage, and prints a table. The claim it checks: memory does not grow with
rows (RSS at 10M within 10% of RSS at 1M).

Usage: python3 bench/export_memory.py [--sizes 1000000,10000000] [--format csv]
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def binary():
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    path = os.path.join(target, "release", "ferry")
    if not os.path.exists(path):
        sys.exit(f"{path} is missing: run `make release` (or `cargo build --release -p ferry-local`) first")
    return path


def run_one(ferry, rows, fmt, workdir):
    report = {
        "name": "bench",
        "reportType": "issues",
        "format": fmt,
        "connection": {"kind": "sample", "settings": {"rows": rows, "seed": 1}},
    }
    report_path = os.path.join(workdir, f"report-{rows}.json")
    with open(report_path, "w") as f:
        json.dump(report, f)
    out = os.path.join(workdir, f"out-{rows}.{fmt}")
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.run([ferry, "export", "--report", report_path, "--out", out, "--quiet"],
                          capture_output=True, text=True, env={**os.environ, "FERRY_LOG": "warn"})
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"ferry export failed for {rows} rows:\n{proc.stderr}")
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if peak_kib <= before:
        print("warning: RUSAGE_CHILDREN did not rise; the figure is an upper bound", file=sys.stderr)
    size = os.path.getsize(out)
    os.remove(out)
    return {"rows": rows, "seconds": elapsed, "rows_per_s": rows / elapsed, "mb_per_s": size / elapsed / 1e6,
            "bytes": size, "peak_rss_mb": peak_kib / 1024}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000000,10000000")
    ap.add_argument("--format", default="csv")
    args = ap.parse_args()
    ferry = binary()
    sizes = [int(s) for s in args.sizes.split(",")]
    results = []
    with tempfile.TemporaryDirectory() as workdir:
        for rows in sizes:
            # A fresh interpreter per size so RUSAGE_CHILDREN's maximum is this run's alone.
            code = (f"import sys; sys.path.insert(0, {os.path.dirname(os.path.abspath(__file__))!r}); "
                    f"import export_memory as m, json; print(json.dumps(m.run_one({ferry!r}, {rows}, {args.format!r}, {workdir!r})))")
            proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
            if proc.returncode != 0:
                sys.exit(proc.stderr)
            results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    print(f"{'format':<7} {'rows':>11} {'seconds':>8} {'rows/s':>11} {'MB/s':>7} {'file MB':>8} {'peak RSS MB':>12}")
    for r in results:
        print(f"{args.format:<7} {r['rows']:>11,} {r['seconds']:>8.2f} {r['rows_per_s']:>11,.0f} {r['mb_per_s']:>7.1f} "
              f"{r['bytes'] / 1e6:>8.1f} {r['peak_rss_mb']:>12.1f}")
    if len(results) >= 2:
        growth = results[-1]["peak_rss_mb"] / results[0]["peak_rss_mb"] - 1
        verdict = "OK" if growth <= 0.10 else "FAIL"
        print(f"peak RSS growth from {results[0]['rows']:,} to {results[-1]['rows']:,} rows: {growth:+.1%} ({verdict}: limit +10%)")
        if growth > 0.10:
            sys.exit(1)


if __name__ == "__main__":
    main()
