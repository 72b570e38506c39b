"""Issue 28 (histories, Send test, Jira users by name), in Debian's Chromium
against the real local server: a schedule's history names its destinations
by kind and target, shows each attempt's answer, bytes and duration to the
second, a link's URL with `Copy` and the run's `Download`, and moves by
itself while a run delivers, without a reload. `Send test` in the schedule
form answers beside each destination (a webhook receiver, an SFTP server, a
failing one); a Jira user picked by name is stored by account id and mailed."""

import email
import json
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

from playwright.sync_api import expect

from ferry_server import ROOT
from jira_sim import EMAIL, TOKEN, JiraSim
from test_dashboard import sign_in
from webhook_receiver import Receiver

ZOE = "5fc9e78d2730d800760becc4"


def test_a_history_reads_like_words_and_updates_while_a_run_delivers(page, ferry):
    ferry.api("PUT", "/settings", {"allowPrivateNetworks": True})
    receiver = Receiver(hold=True)
    try:
        report = ferry.paced_report("Held webhook", rows=5, rows_per_second=100_000)
        destinations = [{"type": "link", "retentionDays": 3}, {"type": "webhook", "url": receiver.url, "headers": {}}]
        recurrence = {"frequency": "daily", "time": "06:00", "timezone": "Europe/Berlin"}
        body = {"reportId": report, "recurrence": recurrence, "destinations": destinations}
        schedule = ferry.api("POST", "/schedules", body)["id"]
        sign_in(page, ferry)
        page.goto(f"{ferry.url}/schedules/{schedule}")
        page.get_by_role("button", name="Run now").click()
        expect(page).to_have_url(re.compile(f"/schedules/{schedule}\\?done=run-started$"))
        history = page.get_by_role("table", name="Runs, newest first")
        expect(history.get_by_text("Running")).to_be_visible()
        # The webhook holds the delivery: the page is marked, then the receiver answers.
        page.evaluate("window.__sameDocument = true")
        receiver.release()

        webhook = history.locator(".delivery").filter(has_text="Webhook 127.0.0.1")
        expect(webhook).to_contain_text("2. Webhook 127.0.0.1: Delivered", timeout=30_000)
        expect(webhook.get_by_role("listitem")).to_have_text(
            re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d CET: Delivered HTTP 200 OK, \d+ B, took \d+(\.\d)? m?s$")
        )
        assert page.evaluate("window.__sameDocument") is True, "the history updated without a reload"
        attempt_time = webhook.locator("time")
        expect(attempt_time).to_have_attribute("title", re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$"))

        link = history.locator(".delivery").filter(has_text="1. Link")
        expect(link).to_contain_text("1. Link: Delivered")
        expect(link.get_by_label("Download link")).to_have_value(re.compile(f"^{re.escape(ferry.url)}/v1/files/"))
        link.get_by_role("button", name="Copy").click()
        expect(link.get_by_role("status")).to_have_text(re.compile("Copied|Selected"))
        expect(history.get_by_role("cell", name="Succeeded")).to_be_visible()
        expect(history.get_by_role("cell", name="Run now")).to_be_visible()
        with page.expect_download() as download:
            history.get_by_role("link", name="Download").click()
        assert download.value.suggested_filename.endswith(".csv")
        text = history.inner_text()
        assert "run_now" not in text and "COMPLETED" not in text and "DELIVERED" not in text, text
    finally:
        receiver.stop()


def sign_in_as(page, ferry, user):
    """Signs `page` in as a new member `user` (each has its own Send test turn)."""
    key = ferry.member_key(user)
    page.context.clear_cookies()
    sign_in(page, ferry, key)
    return key


def start_sftp_server(root):
    """tests/peers/sftp_server.py on a free port: (process, port, fingerprint)."""
    script = ROOT / "tests" / "peers" / "sftp_server.py"
    process = subprocess.Popen(
        [sys.executable, str(script), "--root", str(root), "--user", "drop", "--password", "pw-5ftp"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    line = process.stdout.readline()
    assert line, "the SFTP peer did not start: is asyncssh installed in .venv (tests/peers/requirements.txt)?"
    info = json.loads(line)
    return process, info["port"], info["host_key_fingerprint"]


def test_send_test_shows_the_webhooks_status_the_sftp_result_and_a_failures_error(page, ferry, tmp_path):
    ferry.api("PUT", "/settings", {"allowPrivateNetworks": True})
    receiver = Receiver()
    (tmp_path / "in").mkdir()
    sftp, port, fingerprint = start_sftp_server(tmp_path)
    try:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            closed = s.getsockname()[1]
        destinations = [
            {"type": "webhook", "url": receiver.url, "headers": {}},
            {"type": "sftp", "host": "127.0.0.1", "port": port, "username": "drop", "password": "pw-5ftp",
             "hostKeyFingerprint": fingerprint, "directory": "/in"},
            {"type": "webhook", "url": f"http://127.0.0.1:{closed}/gone", "headers": {}},
        ]
        # One user per test: a user may send one test every 10 seconds.
        for user, group, expected in [
            ("tester-webhook", "Webhook 1", r"^Test sent: HTTP 200 OK \(Tested_test\.csv\)\.$"),
            ("tester-sftp", "SFTP 2", r"^Test sent: SFTP 127\.0\.0\.1: written and renamed to /in/Tested_test\.csv"),
            ("tester-failing", "Webhook 3", r"^Test failed: could not connect to the webhook at 127\.0\.0\.1: Connection refused"),
        ]:
            key = sign_in_as(page, ferry, user)
            report = ferry.paced_report("Tested", rows=30, rows_per_second=100_000, key=key, fileName="Tested.csv")
            body = {"reportId": report, "destinations": destinations,
                    "recurrence": {"frequency": "daily", "time": "06:00", "timezone": "UTC"}}
            schedule = ferry.api("POST", "/schedules", body, key)["id"]
            page.goto(f"{ferry.url}/schedules/{schedule}/edit")
            row = page.get_by_role("group", name=group)
            row.get_by_role("button", name="Send test").click()
            expect(page.get_by_role("group", name=group).get_by_role("status")).to_have_text(re.compile(expected))
            assert ferry.api("GET", f"/schedules/{schedule}/runs", key=key)["items"] == [], "a test is no run"
        assert len(receiver.received) == 1
        headers, body = receiver.received[0]
        headers = {k.lower(): v for k, v in headers.items()}
        assert 'filename="Tested_test.csv"' in headers["content-disposition"]
        uploaded = (tmp_path / "in" / "Tested_test.csv").read_text()
        assert uploaded.count("\nDEMO-") == 20, uploaded
    finally:
        receiver.stop()
        sftp.kill()
        sftp.wait()


def test_a_jira_user_chosen_by_name_is_stored_by_account_id_and_gets_the_mail(page, ferry):
    ferry.api("PUT", "/settings", {"allowPrivateNetworks": True})
    jira = JiraSim()
    try:
        key = sign_in_as(page, ferry, "picker")
        settings = {"baseUrl": jira.url, "email": EMAIL, "apiToken": TOKEN}
        connection = ferry.api("POST", "/connections", {"name": "Sim", "kind": "jira", "settings": settings}, key)["id"]
        report = ferry.api("POST", "/reports", {"name": "Sim issues", "connectionId": connection,
                                                "reportType": "issues", "query": "project = SIM"}, key)["id"]
        body = {"reportId": report, "destinations": [{"type": "email", "to": ["lead@example.org"]}],
                "recurrence": {"frequency": "daily", "time": "06:00", "timezone": "UTC"}}
        schedule = ferry.api("POST", "/schedules", body, key)["id"]
        page.goto(f"{ferry.url}/schedules/{schedule}/edit")
        row = page.get_by_role("group", name="Email 1")
        row.get_by_label("Search people by name").fill("zo")
        row.get_by_role("button", name="Find people").click()
        page.get_by_role("group", name="Email 1").get_by_role("button", name="Add Zoë Ångström").click()
        expect(page.get_by_role("group", name="Email 1")).to_contain_text("Jira users chosen: Zoë Ångström")
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page).to_have_url(re.compile(f"/schedules/{schedule}\\?done=saved$"))
        stored = ferry.api("GET", f"/schedules/{schedule}", key=key)["destinations"][0]
        assert stored["toUsers"] == [ZOE], stored
        # Opened again, the stored account shows by name, not by its id.
        page.goto(f"{ferry.url}/schedules/{schedule}/edit")
        expect(page.get_by_role("group", name="Email 1")).to_contain_text("Jira users chosen: Zoë Ångström")

        export = ferry.api("POST", f"/schedules/{schedule}/run", {}, key)["id"]  # the only mail of this module
        outbox = Path(ferry.data_dir) / "data" / "outbox"
        deadline = time.monotonic() + 30
        mails = []
        while time.monotonic() < deadline and not mails:
            mails = list(outbox.glob("*.eml"))
            time.sleep(0.2)
        assert mails, f"no mail of {export} in {outbox}"
        message = email.message_from_bytes(mails[0].read_bytes())
        assert "zoe@example.org" in message["To"], message["To"]
    finally:
        jira.stop()
