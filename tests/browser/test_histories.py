"""Issue 28 (histories, Send test, Jira users by name), in Debian's Chromium
against the real local server: a schedule's history names its destinations
by kind and target, shows each attempt's answer, bytes and duration to the
second, a link's URL with `Copy` and the run's `Download`, and moves by
itself while a run delivers, without a reload."""

import re

from playwright.sync_api import expect

from test_dashboard import sign_in
from webhook_receiver import Receiver


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
