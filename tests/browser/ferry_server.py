"""Starts the real `ferry serve` on 127.0.0.1 (a free port, a temporary data
dir, a known admin key) for the browser tests and `make screenshots`, and
talks to its API with the standard library."""

import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ADMIN_KEY = "browser-tests-admin-key-0123456789"
CHROMIUM = os.environ.get("FERRY_CHROMIUM", "/usr/bin/chromium")
INSTALL_HINT = "install it with `apt-get update && apt-get install -y chromium` (`make test` does)"


def ferry_binary() -> Path:
    """The debug `ferry` binary `make test` builds (FERRY_BIN overrides)."""
    if os.environ.get("FERRY_BIN"):
        return Path(os.environ["FERRY_BIN"])
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    return target / "debug" / "ferry"


def chromium_path() -> str:
    """Debian's Chromium; a missing one is an error that says how to get it."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        raise RuntimeError(f"Chromium not found at {CHROMIUM}: {INSTALL_HINT}")
    return CHROMIUM


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Ferry:
    """One running server and its API as the admin."""

    def __init__(self):
        binary = ferry_binary()
        if not binary.exists():
            raise RuntimeError(f"{binary} is missing: build it with `cargo build -p ferry-local`")
        self.data_dir = tempfile.mkdtemp(prefix="ferry-browser-")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, FERRY_ADMIN_KEY=ADMIN_KEY, FERRY_LOG="warn")
        env.pop("FERRY_PUBLIC_URL", None)
        self.log = open(Path(self.data_dir) / "server.log", "w")
        self.process = subprocess.Popen(
            [str(binary), "serve", "--port", str(self.port), "--data-dir", str(Path(self.data_dir) / "data")],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self._wait_healthy()

    def _wait_healthy(self):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"ferry exited with {self.process.returncode}: {self.server_log()}")
            try:
                with urllib.request.urlopen(self.url + "/v1/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError):
                pass
            time.sleep(0.1)
        raise RuntimeError("ferry did not answer /v1/health within 60 s")

    def server_log(self) -> str:
        self.log.flush()
        return (Path(self.data_dir) / "server.log").read_text()

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()
        shutil.rmtree(self.data_dir, ignore_errors=True)

    def api(self, method: str, path: str, body=None, key: str = ADMIN_KEY):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + "/v1" + path, data=data, method=method)
        request.add_header("Authorization", f"Bearer {key}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=30) as r:
                text = r.read()
        except urllib.error.HTTPError as e:
            raise AssertionError(f"{method} {path}: {e.code} {e.read()!r}") from None
        return json.loads(text) if text else None

    def paced_report(self, name: str, rows: int, rows_per_second: int, key: str = ADMIN_KEY, **extra) -> str:
        """A report over a `sample` connection slowed to `rows_per_second`."""
        settings = {"rows": rows, "seed": 7, "rowsPerSecond": rows_per_second}
        connection = self.api("POST", "/connections", {"name": f"{name} source", "kind": "sample", "settings": settings}, key)
        body = {"name": name, "connectionId": connection["id"], "reportType": "issues", **extra}
        return self.api("POST", "/reports", body, key)["id"]

    def schedule(self, report_id: str, key: str = ADMIN_KEY) -> str:
        recurrence = {"frequency": "weekly", "weekdays": ["MON", "WED"], "time": "09:00", "timezone": "Europe/Berlin"}
        return self.api("POST", "/schedules", {"reportId": report_id, "recurrence": recurrence}, key)["id"]

    def member_key(self, user: str) -> str:
        return self.api("POST", "/keys", {"user": user, "role": "member"})["key"]
