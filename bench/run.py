#!/usr/bin/env python3
"""`make bench`: Ferry's writers side by side with the tools people script
exports with, on the same rows; then `ferry export` end to end (rows/s, peak
memory) and the local server's export start latency. Prints the tables and
the performance targets with a verdict, and writes bench/out/results.json and
bench/out/results.md (the tables BENCHMARKS.md quotes).

The rows: `ferry export` writes the `sample` source (seed 1, the 10 default
columns) as JSONL once (bench/.data, reused); the Python peers load that
file, and Ferry's bench binary builds the same rows from the same source, so
both sides get identical values. Each side builds its rows in memory before
its clock starts, writes them to a file, and every tool runs pinned to the
same single CPU (the issue's "one core"). Outputs are read back to check
they hold those rows. Figures are medians of `--repeat` runs.

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
import start_latency  # noqa: E402
import verify  # noqa: E402

OUT = os.path.join(HERE, "out")
DATA = os.path.join(HERE, ".data")

# (group, tool label, runner, mode): runner "ferry" is the Rust bench binary, "peer" is peers.py.
TOOLS = [
    ("CSV", "Ferry CSV writer", "ferry", "csv"),
    ("CSV", "pyarrow write_csv", "peer", "pyarrow"),
    ("CSV", "pandas to_csv", "peer", "pandas"),
    ("CSV", "Python csv module", "peer", "python-csv"),
    ("JSON", "Ferry JSON writer", "ferry", "json"),
    ("JSON", "Ferry JSONL writer", "ferry", "jsonl"),
    ("JSON", "json.dump {columns, rows}", "peer", "json-dump"),
    ("JSON", "json.dumps (C encoder), one write", "peer", "json-dumps"),
    ("JSON", "JSONL, json.dumps per row", "peer", "jsonl-dumps"),
    ("XLSX", "Ferry XLSX writer", "ferry", "xlsx"),
    ("XLSX", "XlsxWriter constant_memory", "peer", "xlsxwriter"),
    ("XLSX", "openpyxl write-only", "peer", "openpyxl"),
    ("ZIP", "Ferry CSV, zipped (deflate 6)", "ferry", "zip"),
]
EXTENSIONS = {"csv": "csv", "pyarrow": "csv", "pandas": "csv", "python-csv": "csv", "json": "json",
              "jsonl": "jsonl", "json-dump": "json", "json-dumps": "json", "jsonl-dumps": "jsonl",
              "xlsx": "xlsx", "xlsxwriter": "xlsx", "openpyxl": "xlsx", "zip": "zip"}


def machine():
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    mem = next((int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal")), 0)
    return {"nproc": os.cpu_count(), "cpu": cpu, "memory_gib": round(mem / 2**20, 1),
            "loadavg": open("/proc/loadavg").read().split()[:3], "python": sys.version.split()[0]}


def dataset(rows):
    os.makedirs(DATA, exist_ok=True)
    path = os.path.join(DATA, f"sample-{rows}-seed1.jsonl")
    if not os.path.exists(path):
        report = os.path.join(DATA, "dataset-report.json")
        with open(report, "w") as f:
            json.dump({"name": "dataset", "reportType": "issues", "format": "jsonl",
                       "connection": {"kind": "sample", "settings": {"rows": rows, "seed": 1}}}, f)
        subprocess.run([export_memory.binary(), "export", "--report", report, "--out", path + ".tmp", "--quiet"],
                       check=True, env={**os.environ, "FERRY_LOG": "warn"})
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
    for group, label, runner, mode in TOOLS:
        if runner == "peer" and args.skip_peers:
            continue
        rows = rows_for(group)
        out = os.path.join(files, f"{mode}.{EXTENSIONS[mode]}")
        print(f"  {label} ({rows:,} rows) ...", file=sys.stderr, flush=True)
        r = run_tool(runner, mode, rows, data, out, args.repeat, cpu)
        seconds = statistics.median(r["seconds"])
        table.append({"group": group, "tool": label, "mode": mode, "ferry": runner == "ferry", "rows": rows,
                      "seconds": seconds, "runs": r["seconds"], "rows_per_s": rows / seconds,
                      "mb_per_s": r["bytes"] / seconds / 1e6, "file_mb": r["bytes"] / 1e6,
                      "peak_rss_mb": r["peak_rss_kib"] / 1024,
                      "writing_rss_mb": (r["peak_rss_kib"] - r["rss_before_kib"]) / 1024, "note": r["note"],
                      "out": out})
    for group in sorted({t["group"] for t in table}):
        ferry = next(t for t in table if t["group"] == group and t["ferry"])
        for t in table:
            if t["group"] == group:
                t["ferry_speedup"] = ferry["rows_per_s"] / t["rows_per_s"]
    print("  reading the files back ...", file=sys.stderr, flush=True)
    checks = verify.check_outputs(data, {t["mode"]: t["out"] for t in table}, args.rows, args.xlsx_rows)
    for t in table:
        os.remove(t["out"])
    return table, checks


def find(table, mode):
    return next((t for t in table if t["mode"] == mode), None)


def targets(table, e2e, xlsx_e2e, latency):
    rows = []

    def target(name, value, ok):
        rows.append({"target": name, "measured": value, "met": ok})

    csv_, arrow = find(table, "csv"), find(table, "pyarrow")
    if csv_ and arrow:
        target("CSV writer >= pyarrow write_csv", f"{arrow['ferry_speedup']:.2f}x", arrow["ferry_speedup"] >= 1)
    dump = find(table, "json-dump")
    for mode in ("json", "jsonl"):
        if dump and find(table, mode):
            x = find(table, mode)["rows_per_s"] / dump["rows_per_s"]
            target(f"{mode.upper()} >= 10x json.dump", f"{x:.1f}x", x >= 10)
    xw = find(table, "xlsxwriter")
    if xw:
        target("XLSX >= 15x XlsxWriter constant_memory", f"{xw['ferry_speedup']:.1f}x", xw["ferry_speedup"] >= 15)
    if e2e:
        big = e2e[-1]
        target(f"ferry export {big['rows']:,} rows CSV peak RSS <= 64 MB", f"{big['peak_rss_mb_max']:.1f} MB",
               big["peak_rss_mb_max"] <= 64)
        growth = export_memory.rss_growth(e2e)
        target(f"... within 10% of {e2e[0]['rows']:,} rows", f"{growth:+.1%}", growth <= 0.10)
        if csv_:
            share = big["rows_per_s_median"] / csv_["rows_per_s"]
            target("ferry export sample->CSV >= 60% of the bare CSV writer's rows/s",
                   f"{share:.0%} ({big['rows_per_s_median']:,.0f} of {csv_['rows_per_s']:,.0f} rows/s)", share >= 0.6)
    if xlsx_e2e:
        x = xlsx_e2e[0]
        target(f"ferry export {x['rows']:,} rows XLSX peak RSS <= 96 MB", f"{x['peak_rss_mb_max']:.1f} MB",
               x["peak_rss_mb_max"] <= 96)
    if latency:
        median = latency["post_to_completed_at_ms"]["median"]
        target("export start latency (POST -> first byte written) <= 50 ms median", f"{median:.1f} ms", median <= 50)
    return rows


def markdown(info, table, checks, e2e, xlsx_e2e, latency, goals):
    lines = [f"Machine: {info['nproc']} CPUs ({info['cpu']}), {info['memory_gib']} GiB; load average at start "
             f"{' '.join(info['loadavg'])}; every writer pinned to CPU {info['pinned_cpu']}.", ""]
    lines += ["| format | tool | rows | rows/s | MB/s | file MB | peak RSS MB | RSS while writing MB | Ferry is |",
              "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for t in table:
        note = f" ({t['note']})" if t["note"] else ""
        lines.append(f"| {t['group']} | {t['tool']}{note} | {t['rows']:,} | {t['rows_per_s']:,.0f} | {t['mb_per_s']:.0f} "
                     f"| {t['file_mb']:.1f} | {t['peak_rss_mb']:.0f} | {t['writing_rss_mb']:.1f} | "
                     f"{'—' if t['ferry'] else format(t['ferry_speedup'], '.1f') + '×'} |")
    if checks:
        lines += ["", "Read back: " + "; ".join(checks)]
    if e2e or xlsx_e2e:
        lines += ["", "| `ferry export` | rows | seconds | rows/s | MB/s | file MB | peak RSS MB |",
                  "|---|---:|---:|---:|---:|---:|---:|"]
        for r in (e2e or []) + (xlsx_e2e or []):
            lines.append(f"| sample → {r['format'].upper()} | {r['rows']:,} | {r['seconds']:.2f} | {r['rows_per_s_median']:,.0f} "
                         f"| {r['mb_per_s']:.0f} | {r['bytes'] / 1e6:.1f} | {r['peak_rss_mb_max']:.1f} |")
    if latency:
        d, c, a = latency["post_to_completed_at_ms"], latency["post_to_started_at_ms"], latency["post_to_202_ms"]
        lines += ["", f"Start latency, {latency['exports']} exports of {latency['rows']} rows on `ferry serve`: POST → "
                  f"file written and complete (≥ first byte) median {d['median']:.1f} ms (p90 {d['p90']:.1f} ms); "
                  f"POST → 202 {a['median']:.1f} ms; POST → `startedAt` {c['median']:.1f} ms."]
    lines += ["", "| target | measured | met |", "|---|---|---|"]
    lines += [f"| {g['target']} | {g['measured']} | {'yes' if g['met'] else '**no**'} |" for g in goals]
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000, help="rows for CSV, JSON and zip")
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
    info = {**machine(), "pinned_cpu": cpu}
    os.makedirs(OUT, exist_ok=True)
    started = time.time()
    print("writers, same rows, one CPU:", file=sys.stderr)
    table, checks = writers(args, cpu)
    e2e = xlsx_e2e = latency = None
    if not args.skip_e2e:
        print("ferry export, end to end ...", file=sys.stderr, flush=True)
        small, big = (200_000, 2_000_000) if args.quick else (1_000_000, 10_000_000)
        e2e = export_memory.measure([small, big], "csv", args.repeat, workdir=OUT)
        xlsx_e2e = export_memory.measure([small], "xlsx", 1, workdir=OUT)
    if not args.skip_latency:
        print("start latency ...", file=sys.stderr, flush=True)
        latency = start_latency.measure(10 if args.quick else 30, 100)
    info["loadavg_end"] = open("/proc/loadavg").read().split()[:3]
    goals = targets(table, e2e, xlsx_e2e, latency)
    report = markdown(info, table, checks, e2e, xlsx_e2e, latency, goals)
    print(report)
    with open(os.path.join(OUT, "results.md"), "w") as f:
        f.write(report)
    with open(os.path.join(OUT, "results.json"), "w") as f:
        json.dump({"machine": info, "writers": table, "read_back": checks, "export": e2e, "export_xlsx": xlsx_e2e,
                   "start_latency": latency, "targets": goals, "seconds": time.time() - started}, f, indent=1)
    print(f"written {os.path.relpath(OUT)}/results.md and results.json", file=sys.stderr)


if __name__ == "__main__":
    main()
