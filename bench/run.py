#!/usr/bin/env python3
"""`make bench`: Ferry's writers side by side with the tools people script
exports with, on the same rows; then `ferry export` end to end (rows/s, peak
memory) and the local server's export start latency. Prints the commit and
machine, the tables and issue 6's performance targets with a verdict (SPEC
sets no speed), and writes bench/out/results.json and bench/out/results.md
(what BENCHMARKS.md quotes).

The rows: `ferry-format-bench dataset` writes the `sample` source (seed 1,
the 10 default columns) as JSONL through serde_json, not through Ferry's
writers (bench/.data, reused); the Python peers load that file, and Ferry's
bench binary builds the same rows from the same source, so both sides get
identical values. Each side builds its rows in memory before its clock
starts, writes them to a file, and every writer runs pinned to the same
single CPU. Every output is read back value by value against the dataset
(bench/verify.py). Figures are medians of `--repeat` runs.

Like for like: each peer is set against the Ferry writer of its own format
(JSONL against JSONL); both of Python's JSON encoders are shown (json.dump's
pure-Python one, json.dumps's C one) and a target is judged against the
faster peer; the end-to-end share of the bare writer compares a `ferry
export` pinned to that same CPU (the unpinned, all-cores runs are shown
beside it).

Usage (from the repository root, in the bench virtualenv `make bench` makes):
  bench/.venv/bin/python bench/run.py [--quick] [--rows N] [--xlsx-rows N] [--repeat R]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import export_memory  # noqa: E402
import provenance  # noqa: E402
import start_latency  # noqa: E402
import verify  # noqa: E402

OUT = os.path.join(HERE, "out")
DATA = os.path.join(HERE, ".data")

# (group, tool label, runner, mode, versus): runner "ferry" is the Rust bench
# binary, "peer" is peers.py; `versus` is the Ferry writer a peer is set against.
TOOLS = [
    ("CSV", "Ferry CSV writer", "ferry", "csv", None),
    ("CSV", "pyarrow write_csv", "peer", "pyarrow", "csv"),
    ("CSV", "pandas to_csv", "peer", "pandas", "csv"),
    ("CSV", "Python csv module", "peer", "python-csv", "csv"),
    ("JSON", "Ferry JSON writer", "ferry", "json", None),
    ("JSON", "json.dump {columns, rows} (pure-Python encoder)", "peer", "json-dump", "json"),
    ("JSON", "json.dumps {columns, rows} (C encoder), one write", "peer", "json-dumps", "json"),
    ("JSONL", "Ferry JSONL writer", "ferry", "jsonl", None),
    ("JSONL", "json.dump per row (pure-Python encoder)", "peer", "jsonl-dump", "jsonl"),
    ("JSONL", "json.dumps per row (C encoder)", "peer", "jsonl-dumps", "jsonl"),
    ("XLSX", "Ferry XLSX writer", "ferry", "xlsx", None),
    ("XLSX", "XlsxWriter constant_memory", "peer", "xlsxwriter", "xlsx"),
    ("XLSX", "openpyxl write-only", "peer", "openpyxl", "xlsx"),
    ("ZIP", "Ferry CSV, zipped (deflate 6)", "ferry", "zip", None),
]
EXTENSIONS = {"csv": "csv", "pyarrow": "csv", "pandas": "csv", "python-csv": "csv", "json": "json",
              "jsonl": "jsonl", "json-dump": "json", "json-dumps": "json", "jsonl-dump": "jsonl",
              "jsonl-dumps": "jsonl", "xlsx": "xlsx", "xlsxwriter": "xlsx", "openpyxl": "xlsx", "zip": "zip"}


def dataset(rows):
    """The reference rows, written by serde_json (see verify.py)."""
    os.makedirs(DATA, exist_ok=True)
    path = os.path.join(DATA, f"sample-{rows}-seed1.serde.jsonl")
    if not os.path.exists(path):
        subprocess.run([export_memory.binary("ferry-format-bench"), "dataset", "--rows", str(rows), "--seed", "1",
                        "--out", path + ".tmp"], check=True, stdout=subprocess.DEVNULL)
        os.rename(path + ".tmp", path)
    return path


def run_tool(runner, mode, rows, data, out, repeat, cpu):
    if runner == "ferry":
        cmd = [export_memory.binary("ferry-format-bench"), mode, "--rows", str(rows), "--seed", "1",
               "--repeat", str(repeat), "--out", out]
    else:
        cmd = [sys.executable, os.path.join(HERE, "peers.py"), mode, "--data", data, "--rows", str(rows),
               "--out", out, "--repeat", str(repeat)]
    env = dict(os.environ)
    results = []
    # pyarrow formats typed timestamps slowly: it gets whichever date form measures faster.
    for dates in (["timestamp", "text"] if mode == "pyarrow" else [None]):
        if dates:
            env["PYARROW_DATES"] = dates
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env,
                              preexec_fn=lambda: os.sched_setaffinity(0, {cpu}))
        if proc.returncode != 0:
            sys.exit(f"{' '.join(cmd)} failed:\n{proc.stderr}")
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        r["note"] = f"dates as {dates}" if dates else ""
        results.append(r)
    return min(results, key=lambda r: statistics.median(r["seconds"]))


def writers(args, cpu):
    data = dataset(args.rows)
    rows_for = lambda group: args.xlsx_rows if group == "XLSX" else args.rows
    files = os.path.join(OUT, "files")
    os.makedirs(files, exist_ok=True)
    table = []
    for group, label, runner, mode, versus in TOOLS:
        if runner == "peer" and args.skip_peers:
            continue
        rows = rows_for(group)
        out = os.path.join(files, f"{mode}.{EXTENSIONS[mode]}")
        print(f"  {label} ({rows:,} rows) ...", file=sys.stderr, flush=True)
        r = run_tool(runner, mode, rows, data, out, args.repeat, cpu)
        seconds = statistics.median(r["seconds"])
        table.append({"group": group, "tool": label, "mode": mode, "ferry": runner == "ferry", "versus": versus,
                      "rows": rows, "seconds": seconds, "runs": r["seconds"], "rows_per_s": rows / seconds,
                      "mb_per_s": r["bytes"] / seconds / 1e6, "file_mb": r["bytes"] / 1e6,
                      "peak_rss_mb": r["peak_rss_kib"] / 1024,
                      "writing_rss_mb": (r["peak_rss_kib"] - r["rss_before_kib"]) / 1024, "note": r["note"],
                      "out": out})
    for t in table:
        if t["versus"]:
            t["ferry_speedup"] = find(table, t["versus"])["rows_per_s"] / t["rows_per_s"]
    print("  reading every file back, value by value ...", file=sys.stderr, flush=True)
    checks = verify.check_outputs(data, {t["mode"]: t["out"] for t in table}, args.rows, args.xlsx_rows)
    for t in table:
        os.remove(t["out"])
    return table, checks


def find(table, mode):
    return next((t for t in table if t["mode"] == mode), None)


def targets(table, e2e, pinned, xlsx_e2e, latency):
    """Issue 6's targets (SPEC sets none), each like for like; where a peer
    has variants, every variant is shown and the verdict is the faster's."""
    rows = []

    def target(name, value, ok):
        rows.append({"target": name, "measured": value, "met": ok})

    def ratio(mode, peers, at_least, what):
        ferry = find(table, mode)
        shown = [find(table, p) for p in peers if find(table, p)]
        if not ferry or not shown:
            return
        best = max(shown, key=lambda t: t["rows_per_s"])
        each = "; ".join(f"{ferry['rows_per_s'] / p['rows_per_s']:.2f}x {p['tool']}" for p in shown)
        target(f"{what} (verdict against the faster: {best['tool']})", each,
               ferry["rows_per_s"] / best["rows_per_s"] >= at_least)

    ratio("csv", ["pyarrow"], 1, "CSV writer >= pyarrow write_csv")
    ratio("json", ["json-dump", "json-dumps"], 10, "JSON writer >= 10x Python's json")
    ratio("jsonl", ["jsonl-dump", "jsonl-dumps"], 10, "JSONL writer >= 10x Python's json, a row at a time")
    ratio("xlsx", ["xlsxwriter", "openpyxl"], 15, "XLSX writer >= 15x XlsxWriter constant_memory")
    if e2e:
        big = e2e[-1]
        target(f"ferry export {big['rows']:,} rows CSV peak RSS <= 64 MB", f"{big['peak_rss_mb_max']:.1f} MB",
               big["peak_rss_mb_max"] <= 64)
        growth = export_memory.rss_growth(e2e)
        target(f"... within 10% of {e2e[0]['rows']:,} rows", f"{growth:+.1%}", growth <= 0.10)
    csv_ = find(table, "csv")
    if pinned and csv_:
        share = pinned["rows_per_s_median"] / csv_["rows_per_s"]
        target(f"ferry export sample->CSV >= 60% of the bare CSV writer's rows/s (both on CPU {pinned['cpu']} "
               f"alone, {pinned['rows']:,} rows)",
               f"{share:.0%} ({pinned['rows_per_s_median']:,.0f} of {csv_['rows_per_s']:,.0f} rows/s)", share >= 0.6)
    if xlsx_e2e:
        x = xlsx_e2e[0]
        target(f"ferry export {x['rows']:,} rows XLSX peak RSS <= 96 MB", f"{x['peak_rss_mb_max']:.1f} MB",
               x["peak_rss_mb_max"] <= 96)
    if latency:
        median = latency["post_to_completed_at_ms"]["median"]
        target("export start latency (POST -> first byte written) <= 50 ms median", f"{median:.1f} ms", median <= 50)
    return rows


def markdown(info, table, checks, e2e, pinned, xlsx_e2e, latency, goals):
    lines = [provenance.line(info, info["commit"]) + f" Every writer pinned to CPU {info['pinned_cpu']}; load "
             f"average at the end {' '.join(info['loadavg_end'])}.", ""]
    lines += ["| format | tool | rows | rows/s | MB/s | file MB | peak RSS MB | RSS while writing MB | Ferry is |",
              "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for t in table:
        note = f" ({t['note']})" if t["note"] else ""
        speedup = "—" if t["ferry"] else f"{t['ferry_speedup']:.1f}× (Ferry {t['versus'].upper()})"
        lines.append(f"| {t['group']} | {t['tool']}{note} | {t['rows']:,} | {t['rows_per_s']:,.0f} | {t['mb_per_s']:.0f} "
                     f"| {t['file_mb']:.1f} | {t['peak_rss_mb']:.0f} | {t['writing_rss_mb']:.1f} | {speedup} |")
    if checks:
        lines += ["", "Read back against the dataset: " + "; ".join(checks) + "."]
    runs = (e2e or []) + ([pinned] if pinned else []) + (xlsx_e2e or [])
    if runs:
        lines += ["", "| `ferry export` | CPUs | rows | seconds | rows/s | MB/s | file MB | peak RSS MB |",
                  "|---|---|---:|---:|---:|---:|---:|---:|"]
        for r in runs:
            cpus = f"CPU {r['cpu']} only" if r.get("cpu") is not None else f"all {info['nproc']}"
            lines.append(f"| sample → {r['format'].upper()} | {cpus} | {r['rows']:,} | {r['seconds']:.2f} "
                         f"| {r['rows_per_s_median']:,.0f} | {r['mb_per_s']:.0f} | {r['bytes'] / 1e6:.1f} "
                         f"| {r['peak_rss_mb_max']:.1f} |")
    if latency:
        d, c, a = latency["post_to_completed_at_ms"], latency["post_to_started_at_ms"], latency["post_to_202_ms"]
        lines += ["", f"Start latency, {latency['exports']} exports of {latency['rows']} rows on `ferry serve`: POST → "
                  f"file written and complete (≥ first byte) median {d['median']:.1f} ms (p90 {d['p90']:.1f} ms); "
                  f"POST → 202 {a['median']:.1f} ms; POST → `startedAt` {c['median']:.1f} ms."]
    lines += ["", "| target (issue 6) | measured | met |", "|---|---|---|"]
    lines += [f"| {g['target']} | {g['measured']} | {'yes' if g['met'] else '**no**'} |" for g in goals]
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000, help="rows for CSV, JSON, JSONL and zip")
    ap.add_argument("--xlsx-rows", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--cpu", type=int, default=None, help="CPU every writer is pinned to (default: the last)")
    ap.add_argument("--quick", action="store_true", help="fewer rows and runs, to try the set-up")
    ap.add_argument("--skip-peers", action="store_true")
    ap.add_argument("--skip-e2e", action="store_true")
    ap.add_argument("--skip-latency", action="store_true")
    args = ap.parse_args()
    if args.quick:
        args.rows, args.xlsx_rows, args.repeat = 100_000, 10_000, 1
    cpu = args.cpu if args.cpu is not None else max(os.sched_getaffinity(0))
    info = {**provenance.machine(), "pinned_cpu": cpu, "commit": provenance.commit()}
    print(provenance.line(info, info["commit"]), file=sys.stderr)
    os.makedirs(OUT, exist_ok=True)
    started = time.time()
    print("writers, same rows, one CPU:", file=sys.stderr)
    table, checks = writers(args, cpu)
    e2e = pinned = xlsx_e2e = latency = None
    if not args.skip_e2e:
        print("ferry export, end to end ...", file=sys.stderr, flush=True)
        small, big = (200_000, 2_000_000) if args.quick else (1_000_000, 10_000_000)
        e2e = export_memory.measure([small, big], "csv", args.repeat, workdir=OUT)
        # Like for like with the bare writer: as many rows, on the same one CPU.
        pinned = export_memory.measure([args.rows], "csv", args.repeat, workdir=OUT, cpu=cpu)[0]
        xlsx_e2e = export_memory.measure([small], "xlsx", 1, workdir=OUT)
    if not args.skip_latency:
        print("start latency ...", file=sys.stderr, flush=True)
        latency = start_latency.measure(10 if args.quick else 30, 100)
    info["loadavg_end"] = open("/proc/loadavg").read().split()[:3]
    goals = targets(table, e2e, pinned, xlsx_e2e, latency)
    report = markdown(info, table, checks, e2e, pinned, xlsx_e2e, latency, goals)
    print(report)
    with open(os.path.join(OUT, "results.md"), "w") as f:
        f.write(report)
    with open(os.path.join(OUT, "results.json"), "w") as f:
        json.dump({"machine": info, "writers": table, "read_back": checks, "export": e2e, "export_pinned": pinned,
                   "export_xlsx": xlsx_e2e, "start_latency": latency, "targets": goals,
                   "seconds": time.time() - started}, f, indent=1)
    print(f"written {os.path.relpath(OUT)}/results.md and results.json", file=sys.stderr)


if __name__ == "__main__":
    main()
