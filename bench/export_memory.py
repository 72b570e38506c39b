#!/usr/bin/env python3
"""Rows/s and peak RSS of `ferry export` (sample source -> file), end to end:
the release binary reads the sample source, formats and stores the file,
with its stages overlapped, as a user runs it.

Runs the binary once per size (and per repeat), reads each child's peak RSS
from getrusage in a fresh interpreter (so RUSAGE_CHILDREN's maximum is that
run's alone), and prints a table with the median of the repeats. The claim it
checks for CSV: memory does not grow with rows (10M within 10% of 1M).
`--cpu N` pins the export to that one CPU (bench/run.py does, to set it
against the bare writer pinned there).

Usage: python3 bench/export_memory.py [--sizes 1000000,10000000] [--format csv] [--repeat 1] [--cpu N]
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import provenance  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HERE = os.path.dirname(os.path.abspath(__file__))


def binary(name="ferry"):
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    path = os.path.join(target, "release", name)
    if not os.path.exists(path):
        sys.exit(f"{path} is missing: run `make release` (or `cargo build --release -p ferry-local`) first")
    return path


def run_one(ferry, rows, fmt, workdir, cpu=None):
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
    pin = (lambda: os.sched_setaffinity(0, {cpu})) if cpu is not None else None
    proc = subprocess.run([ferry, "export", "--report", report_path, "--out", out, "--quiet"],
                          capture_output=True, text=True, env={**os.environ, "FERRY_LOG": "warn"}, preexec_fn=pin)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"ferry export failed for {rows} rows:\n{proc.stderr}")
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak_kib = usage.ru_maxrss
    if peak_kib <= before:
        print("warning: RUSAGE_CHILDREN did not rise; the figure is an upper bound", file=sys.stderr)
    size = os.path.getsize(out)
    os.remove(out)
    return {"rows": rows, "format": fmt, "cpu": cpu, "seconds": elapsed, "rows_per_s": rows / elapsed,
            "mb_per_s": size / elapsed / 1e6, "bytes": size, "peak_rss_mb": peak_kib / 1024,
            "cpu_seconds": usage.ru_utime + usage.ru_stime}


def run_isolated(ferry, rows, fmt, workdir, cpu=None):
    # A fresh interpreter per run so RUSAGE_CHILDREN's maximum is this run's alone.
    code = (f"import sys; sys.path.insert(0, {HERE!r}); import export_memory as m, json; "
            f"print(json.dumps(m.run_one({ferry!r}, {rows}, {fmt!r}, {workdir!r}, {cpu!r})))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(proc.stderr)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def measure(sizes, fmt="csv", repeat=1, workdir=None, cpu=None):
    """One result per size: the median run by rows/s (its RSS is that run's);
    `runs` keeps every run. With `cpu`, every run is pinned to that CPU."""
    ferry = binary()
    results = []
    with tempfile.TemporaryDirectory(dir=workdir) as work:
        for rows in sizes:
            runs = [run_isolated(ferry, rows, fmt, work, cpu) for _ in range(repeat)]
            median = sorted(runs, key=lambda r: r["rows_per_s"])[len(runs) // 2]
            results.append({**median, "runs": [r["rows_per_s"] for r in runs],
                            "peak_rss_mb_max": max(r["peak_rss_mb"] for r in runs),
                            "rows_per_s_median": statistics.median(r["rows_per_s"] for r in runs)})
    return results


def print_table(results):
    print(f"{'format':<7} {'rows':>11} {'seconds':>8} {'rows/s':>11} {'MB/s':>7} {'file MB':>8} {'peak RSS MB':>12}")
    for r in results:
        print(f"{r['format']:<7} {r['rows']:>11,} {r['seconds']:>8.2f} {r['rows_per_s']:>11,.0f} {r['mb_per_s']:>7.1f} "
              f"{r['bytes'] / 1e6:>8.1f} {r['peak_rss_mb']:>12.1f}")


def rss_growth(results):
    return results[-1]["peak_rss_mb_max"] / results[0]["peak_rss_mb_max"] - 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000000,10000000")
    ap.add_argument("--format", default="csv")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--cpu", type=int, default=None)
    args = ap.parse_args()
    print(provenance.line())
    results = measure([int(s) for s in args.sizes.split(",")], args.format, args.repeat, cpu=args.cpu)
    print_table(results)
    if len(results) >= 2:
        growth = rss_growth(results)
        verdict = "OK" if growth <= 0.10 else "FAIL"
        print(f"peak RSS growth from {results[0]['rows']:,} to {results[-1]['rows']:,} rows: {growth:+.1%} "
              f"({verdict}: limit +10%)")
        if growth > 0.10:
            sys.exit(1)


if __name__ == "__main__":
    main()
