#!/usr/bin/env python3
"""Rows/s and peak RSS of `ferry export` writing a PDF (sample source), at
10,000 and 100,000 rows (`maxRows` 100,000 so every row is drawn). The claim
it checks: pages stream, so memory is bounded by a page, not by the file:
the 100,000-row peak stays within 1.5x the 10,000-row one.

Each run is the release binary in a fresh interpreter, so getrusage's
RUSAGE_CHILDREN maximum is that run's alone.

Usage: python3 bench/pdf_memory.py [--sizes 10000,100000] [--repeat 1] [--binary PATH]
(`--binary` measures another build of `ferry`, e.g. a debug one: its memory
ratio still holds, its speed does not.)
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time


HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import provenance  # noqa: E402
from export_memory import binary  # noqa: E402


def run_one(ferry, rows, workdir):
    report = {
        "name": "PDF bench",
        "reportType": "issues",
        "format": "pdf",
        "formatOptions": {"maxRows": 100000},
        "connection": {"kind": "sample", "settings": {"rows": rows, "seed": 1}},
    }
    report_path = os.path.join(workdir, f"report-{rows}.json")
    with open(report_path, "w") as f:
        json.dump(report, f)
    out = os.path.join(workdir, f"out-{rows}.pdf")
    start = time.perf_counter()
    proc = subprocess.run([ferry, "export", "--report", report_path, "--out", out, "--quiet"],
                          capture_output=True, text=True, env={**os.environ, "FERRY_LOG": "warn"})
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"ferry export failed for {rows} rows:\n{proc.stderr}")
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    size = os.path.getsize(out)
    pages = None
    try:
        info = subprocess.run(["pdfinfo", out], capture_output=True, text=True).stdout
        pages = int(next(l.split()[1] for l in info.splitlines() if l.startswith("Pages:")))
    except (OSError, StopIteration):
        pass
    os.remove(out)
    return {"rows": rows, "seconds": elapsed, "rows_per_s": rows / elapsed, "bytes": size, "pages": pages,
            "peak_rss_mb": usage.ru_maxrss / 1024}


def run_isolated(ferry, rows, workdir):
    code = (f"import sys; sys.path.insert(0, {HERE!r}); import pdf_memory as m, json; "
            f"print(json.dumps(m.run_one({ferry!r}, {rows}, {workdir!r})))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(proc.stderr)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--binary", help="the ferry binary (default: the release build)")
    args = ap.parse_args()
    ferry = args.binary or binary()
    print(provenance.line())
    results = []
    with tempfile.TemporaryDirectory() as work:
        for rows in [int(s) for s in args.sizes.split(",")]:
            runs = [run_isolated(ferry, rows, work) for _ in range(args.repeat)]
            results.append(sorted(runs, key=lambda r: r["rows_per_s"])[len(runs) // 2])
    print(f"{'rows':>9} {'pages':>6} {'seconds':>8} {'rows/s':>9} {'file MB':>8} {'peak RSS MB':>12}")
    for r in results:
        print(f"{r['rows']:>9,} {r['pages'] or 0:>6,} {r['seconds']:>8.2f} {r['rows_per_s']:>9,.0f} "
              f"{r['bytes'] / 1e6:>8.1f} {r['peak_rss_mb']:>12.1f}")
    if len(results) >= 2:
        ratio = results[-1]["peak_rss_mb"] / results[0]["peak_rss_mb"]
        verdict = "OK" if ratio <= 1.5 else "FAIL"
        print(f"peak RSS {results[-1]['rows']:,} rows / {results[0]['rows']:,} rows: {ratio:.2f}x ({verdict}: limit 1.5x)")
        if ratio > 1.5:
            sys.exit(1)


if __name__ == "__main__":
    main()
