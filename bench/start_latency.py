#!/usr/bin/env python3
"""Export start latency of the local server: from `POST /v1/exports` to the
first byte of the file written.

Starts the release `ferry serve` on a temporary data dir and a free port
(FERRY_ADMIN_KEY set, so the key is known), creates a `sample` connection and
a report of a few rows, then starts N exports one after the other, each once
the previous finished (the same report cannot run twice at once).

"First byte written" is bounded from above, on the same clock as the POST
(CLOCK_REALTIME, taken just before the request is sent): a report this small
is one part, written when its rows are formatted, and the export records
`completedAt` only after that part is stored and the upload completed, so
POST -> `completedAt` is at least POST -> first byte. The file store
confirms it: the local store writes the bytes into `uploads/<id>/data` and
renames that file into `files/exports/<export id>/<name>` (under the data
dir's `files/`) at completion, and that file's modification time is when
its bytes were written (ext4 file times are the clock's coarse reading, a
tick of a few milliseconds behind, so that figure can even come out
slightly negative). Also printed: POST to the 202 answer, and POST to the
export's `startedAt` (when a worker claimed it).

Usage: python3 bench/start_latency.py [--exports 30] [--rows 100]
"""
import argparse
import calendar
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_memory import binary  # noqa: E402
import provenance  # noqa: E402

KEY = "bench-admin-key-0123456789abcdef0123456789abcdef"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(base, method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"{base}/v1{path}", data=data, method=method,
                                 headers={"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read() or b"null")


def iso_to_ns(text):
    # 2026-11-23T17:40:19.787852Z (jiff writes up to nanoseconds)
    main, _, frac = text.rstrip("Z").partition(".")
    seconds = calendar.timegm(time.strptime(main, "%Y-%m-%dT%H:%M:%S"))
    return seconds * 1_000_000_000 + int((frac + "000000000")[:9])


def measure(exports, rows):
    ferry = binary()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as data_dir:
        env = {**os.environ, "FERRY_ADMIN_KEY": KEY, "FERRY_LOG": "warn"}
        server = subprocess.Popen([ferry, "serve", "--port", str(port), "--data-dir", data_dir], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            for _ in range(200):
                try:
                    urllib.request.urlopen(f"{base}/v1/health", timeout=1)
                    break
                except OSError:
                    time.sleep(0.05)
            con = call(base, "POST", "/connections", {"name": "bench", "kind": "sample",
                                                      "settings": {"rows": rows, "seed": 1}})
            rep = call(base, "POST", "/reports", {"name": "latency", "connectionId": con["id"],
                                                  "reportType": "issues", "format": "csv"})
            to_file, to_answer, to_claim, to_done = [], [], [], []
            for _ in range(exports):
                sent = time.time_ns()
                started = call(base, "POST", "/exports", {"reportId": rep["id"]})
                answered = time.time_ns()
                for _ in range(2000):
                    e = call(base, "GET", f"/exports/{started['id']}")
                    if e["status"] in ("COMPLETED", "FAILED", "CANCELLED"):
                        break
                    time.sleep(0.002)
                if e["status"] != "COMPLETED":
                    sys.exit(f"export {e['id']} ended {e['status']}: {e.get('error')}")
                # The store's folder is <data dir>/files; finished files are under its files/.
                path = os.path.join(data_dir, "files", "files", "exports", e["id"], e["fileName"])
                to_file.append((os.stat(path).st_mtime_ns - sent) / 1e6)
                to_answer.append((answered - sent) / 1e6)
                to_claim.append((iso_to_ns(e["startedAt"]) - sent) / 1e6)
                to_done.append((iso_to_ns(e["completedAt"]) - sent) / 1e6)
        finally:
            server.terminate()
            server.wait(timeout=10)
    summary = lambda v: {"median": statistics.median(v), "p90": quantile(v, 0.9), "min": min(v), "max": max(v)}
    return {"exports": exports, "rows": rows, "post_to_completed_at_ms": summary(to_done),
            "post_to_file_mtime_ms": summary(to_file), "post_to_202_ms": summary(to_answer),
            "post_to_started_at_ms": summary(to_claim)}


def quantile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--exports", type=int, default=30)
    ap.add_argument("--rows", type=int, default=100)
    args = ap.parse_args()
    print(provenance.line())
    r = measure(args.exports, args.rows)
    done = r["post_to_completed_at_ms"]
    print(f"start latency over {r['exports']} exports of {r['rows']} rows: POST -> file complete (>= first byte) "
          f"median {done['median']:.1f} ms (p90 {done['p90']:.1f}, max {done['max']:.1f}); "
          f"POST -> 202 {r['post_to_202_ms']['median']:.1f} ms; POST -> startedAt "
          f"{r['post_to_started_at_ms']['median']:.1f} ms; POST -> file mtime {r['post_to_file_mtime_ms']['median']:.1f} ms")
    print(json.dumps(r))


if __name__ == "__main__":
    main()
