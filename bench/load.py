#!/usr/bin/env python3
"""Load benchmark of the local server (`make load`): wrk against `ferry serve`.

Starts the release `ferry serve` (under CARGO_TARGET_DIR, else target/; it
builds nothing: `make load` depends on `make release`) on a free 127.0.0.1
port with a temporary data dir and FERRY_ADMIN_KEY, then as the admin creates
20 member keys (`load-1` ... `load-20`). Each user, with its own key, creates a
`sample` connection (200 rows, its own seed) and two reports (CSV and JSON),
and runs one export of each to completion so downloads have a file to fetch.

Then wrk (`-t2 -c50 -d60s --latency`) runs bench/load.lua, which rotates over
the 20 keys and mixes 40% export lists, 25% export status, 15% report lists,
10% export starts and 10% downloads (302, not followed); see that file. Its
done() prints the statuses by class (2xx/3xx, 409, 429, other 4xx, 5xx) and
p50/p99/p99.9 latency; wrk's own "Non-2xx or 3xx" count would include the
expected 409 (that report's export is still queued or running) and 429 (the
user's concurrent-export limit).

The server's RSS (VmRSS of /proc/PID/status) is read before the load, every
5 s during it, right after it and once more after a 5 s pause. Memory is
judged by its slope, not its spread: the least-squares line through the
samples of the last 30 s of the load must rise by at most 1 MB a minute (a
steady rise fails, however small its spread). After the load the server must
still answer /v1/health and run an export.

Every export is accounted for: the ids of the exports wrk saw started (each
202's body), the 40 seeded before the load and the one started after it are
matched with every export the server lists afterwards (all statuses, all
users, paged through, ids deduplicated). An export the server holds that wrk
did not see started must have been created in the last seconds of the load
(a start wrk sent but whose answer it stopped reading when its time was up),
and is counted as such; any other gap fails the run.

Prints the commit and machine, a markdown table (and a JSON line). Exits
non-zero on any 5xx, any socket error or timeout, any 4xx other than 409/429,
a server that stopped answering, exports that do not add up, or (runs of
40 s or more) RSS still rising.

Usage: python3 bench/load.py [--duration 60] [--connections 50] [--threads 2] [--users 20]
       (or LOAD_DURATION, LOAD_CONNECTIONS, LOAD_THREADS; e.g. LOAD_DURATION=10 for a quick check)
"""
import argparse
import datetime
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import provenance  # noqa: E402
from export_memory import binary  # noqa: E402

ADMIN_KEY = "load-admin-key-0123456789abcdef0123456789abcdef"
RSS_EVERY_S = 5
TREND_WINDOW_S = 30
LEVEL_SLOPE_MB_PER_MIN = 1.0
# A start sent in the load's last moments is answered after wrk stops reading.
IN_FLIGHT_S = 2.0
DRAIN_LIMIT_S = 60  # 200-row exports take milliseconds; the queue empties in seconds


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(base, key, method, path, body=None, expect=(200, 201, 202)):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"{base}/v1{path}", data=data, method=method,
                                 headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            status, text = r.status, r.read()
    except urllib.error.HTTPError as err:
        status, text = err.code, err.read()
    if status not in expect:
        sys.exit(f"{method} {path} -> {status}: {text[:500]!r}")
    return json.loads(text or b"null")


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def wait_healthy(base, server, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(f"{base}/v1/health", timeout=2) as r:
                if r.status == 200:
                    return True
        except OSError:
            time.sleep(0.05)
    return False


def wait_finished(base, key, export_id, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        e = call(base, key, "GET", f"/exports/{export_id}")
        if e["status"] in ("COMPLETED", "FAILED", "CANCELLED"):
            return e
        time.sleep(0.01)
    sys.exit(f"export {export_id} did not finish in {seconds} s")


def listed(base, status):
    """The exports in this status, all users (as the admin), paging through."""
    items, cursor = [], ""
    while True:
        page = call(base, ADMIN_KEY, "GET", f"/exports?status={status}&pageSize=1000{cursor}")
        items += page["items"]
        if not page.get("nextCursor"):
            return items
        cursor = "&cursor=" + urllib.parse.quote(page["nextCursor"])


def count(base, status):
    return len(listed(base, status))


STATUSES = ("COMPLETED", "FAILED", "CANCELLED", "QUEUED", "RUNNING", "CANCELLING")


def server_exports(base):
    """id -> export over every status, and the ids listed more than once."""
    by_id, repeated = {}, []
    for status in STATUSES:
        for e in listed(base, status):
            if e["id"] in by_id:
                repeated.append(e["id"])
            by_id[e["id"]] = e
    return by_id, repeated


def when(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def reconcile(server, repeated, seeded, started, after, load_end):
    """(lines saying where every export came from, failures)."""
    failures = []
    wrk_ids = set(started)
    if "?" in wrk_ids or len(wrk_ids) != len(started):
        failures.append(f"wrk read {len(started)} 202s but {len(wrk_ids - {'?'})} distinct export ids")
    known = set(seeded) | wrk_ids | ({after} if after else set())
    missing = sorted(known - {"?"} - server.keys())
    extra = [server[i] for i in sorted(server.keys() - known)]
    in_flight = [e for e in extra if when(e["createdAt"]) >= load_end - IN_FLIGHT_S]
    unexplained = [e for e in extra if when(e["createdAt"]) < load_end - IN_FLIGHT_S]
    total = len(server)
    accounted = len(seeded) + len(wrk_ids - {"?"}) + (1 if after else 0) + len(in_flight)
    lines = [f"{len(wrk_ids - {'?'}):,} started under load (202s wrk read) + {len(seeded)} seeded + "
             f"{1 if after else 0} after the load + {len(in_flight)} started in the load's last {IN_FLIGHT_S:.0f} s "
             f"whose 202 wrk did not read = {accounted:,}; the server holds {total:,} ("
             + ", ".join(f"{sum(1 for e in server.values() if e['status'] == st):,} {st}" for st in STATUSES) + ")"]
    if repeated:
        failures.append(f"{len(repeated)} exports listed twice while paging: {repeated[:5]}")
    if missing:
        failures.append(f"{len(missing)} exports were started (202) but the server does not list them: {missing[:5]}")
    if unexplained:
        failures.append(f"{len(unexplained)} exports on the server that nobody saw started, created before the "
                        f"load's last {IN_FLIGHT_S:.0f} s: " + "; ".join(
                            f"{e['id']} created {e['createdAt']}" for e in unexplained[:5]))
    if accounted != total and not failures:
        failures.append(f"exports do not add up: {accounted} accounted for, {total} on the server")
    return lines, failures


def seed(base, users, rows):
    """The users, their connections, reports and one finished export per report."""
    out = []
    for n in range(1, users + 1):
        created = call(base, ADMIN_KEY, "POST", "/keys", {"user": f"load-{n}", "role": "member"})
        key = created["key"]
        con = call(base, key, "POST", "/connections",
                   {"name": "s", "kind": "sample", "settings": {"rows": rows, "seed": n}})
        reports, exports = [], []
        for fmt in ("csv", "json"):
            rep = call(base, key, "POST", "/reports", {"name": f"load-{n}-{fmt}", "connectionId": con["id"],
                                                      "reportType": "issues", "format": fmt})
            reports.append(rep["id"])
            started = call(base, key, "POST", "/exports", {"reportId": rep["id"]})
            exports.append(started["id"])
        for export_id in exports:
            e = wait_finished(base, key, export_id)
            if e["status"] != "COMPLETED":
                sys.exit(f"seed export {export_id} ended {e['status']}: {e.get('error')}")
        out.append({"key": key, "reports": reports, "exports": exports})
    return out


def lua_data(users):
    def s(v):
        return json.dumps(v)  # a JSON string literal is a valid Lua one for these ids and keys
    rows = [f"  {{ key = {s(u['key'])}, reports = {{ {', '.join(map(s, u['reports']))} }}, "
            f"exports = {{ {', '.join(map(s, u['exports']))} }} }}," for u in users]
    return "return {\n" + "\n".join(rows) + "\n}\n"


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def ms(text):
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    return float(m.group(1)) * UNITS[m.group(2)]


def parse_wrk(out):
    line = next((l for l in out.splitlines() if l.startswith("FERRY_LOAD ")), None)
    if line is None:
        sys.exit(f"wrk printed no FERRY_LOAD line:\n{out}")
    fields = dict(p.split("=", 1) for p in line.split()[1:])
    r = {k: int(v) for k, v in fields.items() if re.fullmatch(r"\d+", v)}
    r["statuses"] = fields.get("statuses", "")
    r["sent"] = fields.get("sent", "")
    ids = next((l for l in out.splitlines() if l.startswith("FERRY_LOAD_STARTED")), None)
    if ids is None:
        sys.exit(f"wrk printed no FERRY_LOAD_STARTED line:\n{out[-2000:]}")
    r["started_ids"] = [i for i in ids[len("FERRY_LOAD_STARTED"):].strip().split(",") if i]
    r["statuses_map"] = dict(p.split(":") for p in r["statuses"].split(",") if p)
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    r["requests_per_s"] = float(m.group(1)) if m else r["requests"] / (r["duration_us"] / 1e6)
    # wrk's --latency distribution (50/75/90/99), as a cross-check of done()'s figures.
    r["wrk_distribution_ms"] = {p: ms(v) for p, v in re.findall(r"^\s+(50|75|90|99)%\s+(\S+)$", out, re.M)}
    return r


def slope(samples, duration):
    """(levels off, MB per minute): the least-squares slope of the RSS samples
    of the last TREND_WINDOW_S of the load."""
    end = samples[-1][0] if samples else 0
    window = [(t, mb) for t, mb in samples if t >= end - min(TREND_WINDOW_S, duration / 2)]
    if len(window) < 2:
        return True, 0.0
    mean_t = sum(t for t, _ in window) / len(window)
    mean_mb = sum(mb for _, mb in window) / len(window)
    per_s = (sum((t - mean_t) * (mb - mean_mb) for t, mb in window)
             / sum((t - mean_t) ** 2 for t, _ in window))
    per_min = per_s * 60
    return per_min <= LEVEL_SLOPE_MB_PER_MIN, per_min


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--duration", type=int, default=int(os.environ.get("LOAD_DURATION", 60)))
    ap.add_argument("--connections", type=int, default=int(os.environ.get("LOAD_CONNECTIONS", 50)))
    ap.add_argument("--threads", type=int, default=int(os.environ.get("LOAD_THREADS", 2)))
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--rows", type=int, default=200)
    args = ap.parse_args()

    info, commit = provenance.machine(), provenance.commit()
    print(provenance.line(info, commit), file=sys.stderr)
    wrk = shutil.which("wrk")
    if wrk is None:
        sys.exit("wrk is missing: `apt-get install -y wrk` (4.1.0, with LuaJIT)")
    ferry = binary()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    failures = []
    with tempfile.TemporaryDirectory(prefix="ferry-load-") as work:
        data_dir = os.path.join(work, "data")
        log_path = os.path.join(work, "server.log")
        env = {**os.environ, "FERRY_ADMIN_KEY": ADMIN_KEY, "FERRY_LOG": "warn"}
        with open(log_path, "wb") as log:
            server = subprocess.Popen([ferry, "serve", "--port", str(port), "--data-dir", data_dir], env=env,
                                      stdout=log, stderr=subprocess.STDOUT)
        try:
            if not wait_healthy(base, server):
                sys.exit(f"ferry serve did not become healthy:\n{open(log_path).read()[-4000:]}")
            t0 = time.monotonic()
            users = seed(base, args.users, args.rows)
            print(f"seeded {len(users)} users, {2 * len(users)} reports and exports in "
                  f"{time.monotonic() - t0:.1f} s", file=sys.stderr)
            data_path = os.path.join(work, "users.lua")
            with open(data_path, "w") as f:
                f.write(lua_data(users))

            time.sleep(1)
            rss_before = rss_mb(server.pid)
            samples = []  # (seconds since the load started, MB)
            stop = threading.Event()

            def sample():
                start = time.monotonic()
                while not stop.wait(RSS_EVERY_S):
                    samples.append((time.monotonic() - start, rss_mb(server.pid)))

            sampler = threading.Thread(target=sample, daemon=True)
            load_avg = os.getloadavg()
            cmd = [wrk, f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s", "--latency",
                   "-s", os.path.join(HERE, "load.lua"), base, "--", data_path]
            print(" ".join(cmd), file=sys.stderr)
            sampler.start()
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=args.duration + 120)
            load_end_epoch = time.time()
            stop.set()
            sampler.join()
            rss_end = rss_mb(server.pid)
            if proc.returncode != 0:
                sys.exit(f"wrk failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
            print("\n".join(l for l in proc.stdout.splitlines() if not l.startswith("FERRY_LOAD_STARTED")),
                  file=sys.stderr)
            r = parse_wrk(proc.stdout)

            # Still alive and working: health, the exports the load queued drain,
            # and one more export runs end to end.
            load_end = time.monotonic()
            load_end_wall = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
            drain_s = None
            after_id = None
            rss_after = rss_end
            if not wait_healthy(base, server, 10):
                failures.append("the server stopped answering /v1/health after the load")
            else:
                while time.monotonic() - load_end < DRAIN_LIMIT_S:
                    if count(base, "QUEUED") + count(base, "RUNNING") == 0:
                        drain_s = time.monotonic() - load_end
                        break
                    time.sleep(0.5)
                if drain_s is None:
                    stuck = [e for st in ("QUEUED", "RUNNING")
                             for e in call(base, ADMIN_KEY, "GET", f"/exports?status={st}&pageSize=100")["items"]]
                    failures.append(f"{len(stuck)} exports still QUEUED or RUNNING {DRAIN_LIMIT_S} s after the load "
                                    f"(which ended {load_end_wall}): " + "; ".join(
                                        f"{e['id']} {e['status']} report {e['reportId']} created {e['createdAt']} "
                                        f"started {e.get('startedAt')}" for e in stuck[:10]))
                time.sleep(max(0.0, 5 - (time.monotonic() - load_end)))
                rss_after = rss_mb(server.pid)
                # The first report with no export in its slot (a stuck one keeps its slot).
                for u, report in ((u, rep) for u in users for rep in u["reports"]):
                    started = call(base, u["key"], "POST", "/exports", {"reportId": report}, expect=(202, 409))
                    if "error" not in started:
                        break
                after_id = started["id"]
                e = wait_finished(base, u["key"], after_id)
                if e["status"] != "COMPLETED":
                    failures.append(f"an export after the load ended {e['status']}: {e.get('error')}")
            held, repeated = server_exports(base)
            by_status = {st: sum(1 for e in held.values() if e["status"] == st) for st in STATUSES}
            if by_status["FAILED"]:
                failures.append(f"{by_status['FAILED']} exports FAILED")
            seeded = [i for u in users for i in u["exports"]]
            ledger, gaps = reconcile(held, repeated, seeded, r["started_ids"], after_id, load_end_epoch)
            failures += gaps
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            log_tail = open(log_path, errors="replace").read()[-4000:]

    peak = max([rss_before, rss_end, rss_after] + [mb for _, mb in samples])
    levels, per_min = slope(samples, args.duration)
    socket_errors = r["connect_errors"] + r["read_errors"] + r["write_errors"] + r["timeouts"]
    if r["5xx"]:
        failures.append(f"{r['5xx']} responses were 5xx")
    if r["other4xx"]:
        failures.append(f"{r['other4xx']} responses were 4xx other than 409/429")
    if r["other"]:
        failures.append(f"{r['other']} responses had an unexpected status")
    if socket_errors:
        failures.append(f"{socket_errors} socket errors or timeouts (connect {r['connect_errors']}, read "
                        f"{r['read_errors']}, write {r['write_errors']}, timeout {r['timeouts']})")
    if not levels and args.duration >= 40:
        failures.append(f"RSS still rising: {per_min:+.2f} MB a minute over the last {TREND_WINDOW_S} s of the "
                        f"load (at most {LEVEL_SLOPE_MB_PER_MIN:+.1f})")

    trend = ", ".join(f"{mb:.1f}" for _, mb in samples)
    print(f"\n{provenance.line(info, commit)}\nLoad: wrk -t{args.threads} -c{args.connections} "
          f"-d{args.duration}s, {args.users} users, load average when wrk started {load_avg[0]:.2f} / "
          f"{load_avg[1]:.2f} / {load_avg[2]:.2f}\n")
    print("| measure | value |")
    print("|---|---:|")
    print(f"| requests | {r['requests']:,} in {r['duration_us'] / 1e6:.1f} s |")
    print(f"| requests/s | {r['requests_per_s']:,.0f} |")
    print(f"| latency p50 / p99 / p99.9 | {r['p50_us'] / 1000:.2f} / {r['p99_us'] / 1000:.2f} / "
          f"{r['p999_us'] / 1000:.2f} ms |")
    print(f"| latency max | {r['max_us'] / 1000:.1f} ms |")
    print(f"| 2xx / 3xx | {r['2xx']:,} / {r['3xx']:,} |")
    print(f"| 409 / 429 (expected) | {r['409']:,} / {r['429']:,} |")
    print(f"| other 4xx / 5xx | {r['other4xx']:,} / {r['5xx']:,} |")
    print(f"| socket errors / timeouts | {socket_errors - r['timeouts']} / {r['timeouts']} |")
    print(f"| RSS before / peak / after | {rss_before:.1f} / {peak:.1f} / {rss_after:.1f} MB |")
    print(f"| RSS every {RSS_EVERY_S} s | {trend} MB |")
    print(f"| RSS slope, last {TREND_WINDOW_S} s of the load | {per_min:+.2f} MB/min "
          f"({'levels off' if levels else 'still rising'}: at most {LEVEL_SLOPE_MB_PER_MIN:+.1f}) |")
    print(f"| exports | {ledger[0]} |")
    print(f"| queue drained after the load | "
          + (f"{drain_s:.1f} s" if drain_s is not None else "no (180 s)") + " |")
    print(f"\nstatuses {r['statuses']}; requests sent by kind {r['sent']}; wrk's distribution (ms) "
          f"{r['wrk_distribution_ms']}")
    print(json.dumps({**{k: v for k, v in r.items() if k != "started_ids"}, "rss_before_mb": rss_before, "rss_peak_mb": peak, "rss_end_mb": rss_end,
                      "rss_after_mb": rss_after, "exports_by_status": by_status,
                      "drain_s": drain_s, "rss_samples_mb": [mb for _, mb in samples],
                      "rss_levels_off": levels, "rss_slope_mb_per_min": per_min, "load_average": load_avg,
                      "commit": commit, "machine": info, "exports_ledger": ledger,
                      "threads": args.threads, "connections": args.connections, "duration_s": args.duration}))
    if failures:
        print("\nFAILED:\n- " + "\n- ".join(failures), file=sys.stderr)
        print(f"\nserver log (tail):\n{log_tail}", file=sys.stderr)
        sys.exit(1)
    print("\nOK: no 5xx, no unexpected 4xx, no socket errors, every export accounted for, RSS levels off",
          file=sys.stderr)


if __name__ == "__main__":
    main()
