"""Failing schedules in the browser: each schedule's state in words
(`Active`, `Failing (n in a row)`, `Paused by Ferry`, `Paused by hand`), the
count needing attention beside `Schedules`, the banner that failure notices
cannot be mailed while no address is known, and on a schedule Ferry paused
a banner with why, since when, the last error and `Resume`."""

import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from playwright.sync_api import expect

from test_dashboard import sign_in


class Refusing:
    """A webhook receiver that answers every POST 404 (not retried: the run fails at once)."""

    def __init__(self):
        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.send_header("Connection", "close")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/gone"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def failing_schedule(ferry, name, url, runs):
    report = ferry.paced_report(name, rows=5, rows_per_second=1000)
    recurrence = {"frequency": "daily", "time": "09:00", "timezone": "UTC"}
    body = {"reportId": report, "recurrence": recurrence, "notifyOnFailure": False,
            "destinations": [{"type": "webhook", "url": url}]}
    schedule = ferry.api("POST", "/schedules", body)["id"]
    for n in range(1, runs + 1):
        ferry.api("POST", f"/schedules/{schedule}/run", {})
        deadline = time.monotonic() + 60
        while ferry.api("GET", f"/schedules/{schedule}")["consecutiveFailures"] < n:
            assert time.monotonic() < deadline, f"run {n} of {name} did not fail"
            time.sleep(0.05)
    return schedule


def test_schedule_states_the_attention_count_and_the_paused_banner(page, ferry):
    ferry.api("PUT", "/settings", {"allowPrivateNetworks": True})
    refusing = Refusing()
    try:
        ferry.schedule(ferry.paced_report("Healthy", rows=5, rows_per_second=1000))
        failing_schedule(ferry, "Flaky", refusing.url, 2)
        broken = failing_schedule(ferry, "Broken", refusing.url, 5)
        held = ferry.schedule(ferry.paced_report("Held", rows=5, rows_per_second=1000))
        ferry.api("POST", f"/schedules/{held}/pause", {})
    finally:
        refusing.stop()

    sign_in(page, ferry)
    expect(page.get_by_role("region", name="Failure notices")).to_contain_text("Failure notices cannot be mailed")
    nav = page.get_by_role("navigation").get_by_role("link", name=re.compile("^Schedules"))
    expect(nav).to_contain_text("2")
    expect(nav).to_have_accessible_name(re.compile(r"^Schedules\s+2 need attention$"))
    for name, state in [("Healthy", "Active"), ("Flaky", "Failing (2 in a row)"),
                        ("Broken", "Paused by Ferry"), ("Held", "Paused by hand")]:
        expect(page.get_by_role("row").filter(has_text=name)).to_contain_text(state)

    page.get_by_role("link", name="Broken").click()
    banner = page.get_by_role("region", name="Paused by Ferry")
    expect(banner).to_contain_text("because 5 runs failed in a row, since")
    expect(banner).to_contain_text("404")
    banner.get_by_role("button", name="Resume").click()
    expect(page.get_by_role("row").filter(has_text="Broken")).to_contain_text("Active")
    expect(page.get_by_role("navigation").get_by_role("link", name=re.compile("^Schedules"))).to_contain_text("1")
    assert ferry.api("GET", f"/schedules/{broken}")["paused"] is False

    # An address for notices ends the banner.
    admin = next(k for k in ferry.api("GET", "/keys")["items"] if k["user"] == "admin")
    ferry.api("PATCH", f"/keys/{admin['id']}", {"email": "root@example.org"})
    page.reload()
    expect(page.get_by_role("region", name="Failure notices")).to_have_count(0)
