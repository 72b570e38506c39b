"""Where a figure was measured: the commit (and whether the work tree had
changes), the machine, and how busy it was. Every bench script prints this
line with its tables, and BENCHMARKS.md quotes it above each table."""
import os
import platform
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _git(*args):
    try:
        return subprocess.run(["git", "-C", ROOT, *args], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def commit():
    """{"sha", "short", "subject", "dirty"}: HEAD of the repository the scripts are in."""
    sha = _git("rev-parse", "HEAD")
    if sha is None:
        return {"sha": None, "short": "unknown (not a git checkout)", "subject": "", "dirty": None}
    # Changes under bench/out or bench/.data are the benchmark's own output, not code.
    status = [l for l in (_git("status", "--porcelain", "--untracked-files=no") or "").splitlines() if l.strip()]
    return {"sha": sha, "short": sha[:9], "subject": _git("log", "-1", "--format=%s") or "", "dirty": bool(status)}


def machine():
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    mem = next((int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal")), 0)
    rustc = None
    try:
        rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.split()[1]
    except (OSError, IndexError):
        pass
    return {"nproc": os.cpu_count(), "cpu": cpu, "memory_gib": round(mem / 2**20, 1),
            "kernel": platform.release(), "rustc": rustc, "python": sys.version.split()[0],
            "loadavg": open("/proc/loadavg").read().split()[:3]}


def line(info=None, c=None):
    """`Measured at commit abc123456 (clean) on 2026-12-07: 2 CPUs (...), 23.5 GiB, ...`"""
    info = info or machine()
    c = c or commit()
    state = {True: " (with uncommitted changes)", False: "", None: ""}[c["dirty"]]
    return (f"Measured at commit `{c['short']}`{state} on {time.strftime('%Y-%m-%d', time.gmtime())}: "
            f"{info['nproc']} CPUs ({info['cpu']}), {info['memory_gib']} GiB, Linux {info['kernel']}, "
            f"rustc {info['rustc'] or '?'}, CPython {info['python']}; load average at the start "
            f"{' '.join(info['loadavg'])}.")


if __name__ == "__main__":
    print(line())
