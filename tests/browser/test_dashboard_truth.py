"""Issue 26 (the dashboard tells the truth), replayed in Debian's Chromium
against the real local server: `Test connection` tests the typed token; a
schedule's destinations moved, removed and edited with its time and weekdays
save in one go and the webhook still signs with its old secret; a reload
after creating a key makes no second key; a member sees no `Start export` on
another's report and reaches `New connection` from `Copy` and back; a refused
delete links each blocker; the editors work with JavaScript off."""

import hashlib
import hmac
import re
import time

import pytest
from playwright.sync_api import expect

from jira_sim import DISPLAY_NAME, EMAIL, TOKEN, JiraSim
from test_dashboard import sign_in
from webhook_receiver import Receiver


@pytest.fixture(scope="module")
def jira():
    sim = JiraSim()
    yield sim
    sim.stop()


def test_a_wrong_typed_token_is_refused_by_test_connection(page, ferry, jira):
    ferry.api("PUT", "/settings", {"allowPrivateNetworks": True})
    body = {"name": "Good token", "kind": "jira", "settings": {"baseUrl": jira.url, "email": EMAIL, "apiToken": TOKEN}}
    connection = ferry.api("POST", "/connections", body)["id"]
    sign_in(page, ferry)
    page.goto(f"{ferry.url}/connections/{connection}/edit")
    page.get_by_label("API token").fill("a-wrong-token")
    page.get_by_role("button", name="Test connection").click()
    result = page.get_by_role("status").filter(has_text="Connection")
    expect(result).to_have_text(re.compile(r"Connection refused: .*Tested the values on this form; nothing was saved\."))
    # What was typed stays in the form; nothing was saved.
    expect(page.get_by_label("API token")).to_have_value("a-wrong-token")
    assert ferry.api("POST", f"/connections/{connection}/test")["ok"] is True
    # The stored token, left as dots, works.
    page.goto(f"{ferry.url}/connections/{connection}/edit")
    page.get_by_role("button", name="Test connection").click()
    expect(page.get_by_role("status").filter(has_text="Connection")).to_have_text(
        re.compile(f"Connection works: signed in as {DISPLAY_NAME}")
    )


def test_moving_removing_and_editing_destinations_saves_in_one_go_and_keeps_the_webhooks_secret(page, ferry):
    ferry.api("PUT", "/settings", {"allowPrivateNetworks": True})
    receiver = Receiver()
    report = ferry.paced_report("Three destinations", rows=5, rows_per_second=100_000)
    destinations = [
        {"type": "email", "to": ["team@example.org"]},
        {"type": "link", "retentionDays": 3},
        {"type": "webhook", "url": receiver.url, "headers": {"X-Key": "h3ad3r"}, "secret": "old-s3cret"},
    ]
    recurrence = {"frequency": "daily", "time": "06:00", "timezone": "UTC"}
    body = {"reportId": report, "recurrence": recurrence, "destinations": destinations}
    schedule = ferry.api("POST", "/schedules", body)["id"]
    sign_in(page, ferry)
    page.goto(f"{ferry.url}/schedules/{schedule}/edit")
    page.get_by_role("group", name="Webhook 3").get_by_role("button", name="Move up").click()
    page.get_by_role("group", name="Email 1").get_by_role("button", name="Remove").click()
    # Now: Webhook 1, Link 2; reorder again and edit the time and weekdays.
    page.get_by_role("group", name="Link 2").get_by_role("button", name="Move up").click()
    page.get_by_label("Frequency").select_option("weekly")
    weekdays = page.get_by_role("group", name="Weekdays")
    weekdays.get_by_label("Tue").check()
    weekdays.get_by_label("Fri").check()
    page.get_by_label("Time", exact=True).fill("07:15")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page).to_have_url(re.compile(f"/schedules/{schedule}\\?done=saved$"))
    expect(page.get_by_role("status").filter(has_text="Saved.")).to_be_visible()
    stored = ferry.api("GET", f"/schedules/{schedule}")
    assert [d["type"] for d in stored["destinations"]] == ["link", "webhook"]
    assert stored["recurrence"]["time"] == "07:15" and stored["recurrence"]["weekdays"] == ["TUE", "FRI"]

    ferry.api("POST", f"/schedules/{schedule}/run")
    deadline = time.monotonic() + 30
    while not receiver.received and time.monotonic() < deadline:
        time.sleep(0.2)
    receiver.stop()
    assert receiver.received, "the webhook was delivered"
    headers, delivered = receiver.received[0]
    headers = {k.lower(): v for k, v in headers.items()}
    assert headers["x-key"] == "h3ad3r", "the header kept its stored value"
    t, v1 = (part.split("=", 1)[1] for part in headers["x-ferry-signature"].split(","))
    digest = hashlib.sha256(delivered).hexdigest()
    assert v1 == hmac.new(b"old-s3cret", f"{t}.{digest}".encode(), hashlib.sha256).hexdigest()


def test_a_reload_after_creating_a_key_leaves_one_key(page, ferry):
    sign_in(page, ferry)
    page.goto(f"{ferry.url}/keys")
    page.get_by_label("User").fill("reloader")
    page.get_by_role("button", name="Create key").click()
    expect(page.get_by_text("this is the only time Ferry shows it")).to_be_visible()
    key = page.get_by_label("New API key").input_value()
    page.reload()
    expect(page).to_have_url(re.compile(r"/keys$"))
    assert key not in page.content(), "shown once"
    keys = [k for k in ferry.api("GET", "/keys")["items"] if k["user"] == "reloader"]
    assert len(keys) == 1, keys
    expect(page.get_by_role("row").filter(has_text="reloader")).to_have_count(1)


def test_a_member_sees_no_start_export_and_reaches_new_connection_from_copy(page, ferry):
    report = ferry.paced_report("Admin's public figures", rows=5, rows_per_second=100_000, visibility="public")
    member = ferry.member_key("copier")
    sign_in(page, ferry, member)
    page.goto(f"{ferry.url}/reports/{report}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Admin's public figures")
    expect(page.get_by_role("button", name="Start export")).to_have_count(0)
    expect(page.get_by_role("button", name="Preview")).to_have_count(0)
    assert "/v1/" not in page.content()
    page.get_by_role("link", name="Copy").click()
    page.get_by_role("link", name="New connection").click()
    page.get_by_label("Name").fill("My sample")
    page.get_by_label("Kind").select_option("sample")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(f"/reports/{report}/copy\\?done=saved$"))
    page.get_by_label("Connection").select_option(label="My sample (sample)")
    page.get_by_role("button", name="Copy").click()
    expect(page).to_have_url(re.compile(r"/reports/rep_[^/?]+\?done=copied$"))
    expect(page.get_by_role("button", name="Start export")).to_be_visible()


def test_the_refused_delete_page_links_each_blocker(page, ferry):
    report = ferry.paced_report("Blocked report", rows=5, rows_per_second=100_000)
    first = ferry.schedule(report)
    second = ferry.schedule(report)
    sign_in(page, ferry)
    page.console.expect("409")
    page.goto(f"{ferry.url}/reports/{report}/delete")
    page.get_by_role("button", name="Delete").click()
    expect(page.get_by_role("alert")).to_have_text(
        "It cannot be deleted now: these use it; delete or change them first."
    )
    blockers = page.get_by_role("list", name="In the way").get_by_role("link")
    expect(blockers).to_have_count(2)
    hrefs = sorted(blockers.nth(i).get_attribute("href") for i in range(2))
    assert hrefs == sorted([f"/schedules/{first}", f"/schedules/{second}"])
    blockers.first.click()
    expect(page).to_have_url(re.compile(r"/schedules/sch_[^/?]+$"))


def test_the_editors_work_with_javascript_off(chromium, ferry):
    report = ferry.paced_report("No script", rows=5, rows_per_second=100_000)
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        sign_in(page, ferry)
        page.goto(f"{ferry.url}/schedules/new?report={report}")
        page.get_by_label("Time zone").fill("Europe/Berlin")
        page.get_by_label("Type of destination").select_option("webhook")
        page.get_by_role("button", name="Add destination").click()
        page.get_by_role("group", name="Webhook 1").get_by_label("URL").fill("https://hooks.example.org/a")
        page.get_by_label("Type of destination").select_option("email")
        page.get_by_role("button", name="Add destination").click()
        page.get_by_role("group", name="Email 2").get_by_label("To").fill("ops@example.org")
        page.get_by_role("group", name="Email 2").get_by_role("button", name="Move up").click()
        expect(page.get_by_role("group", name="Email 1").get_by_label("To")).to_have_value("ops@example.org")
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page).to_have_url(re.compile(r"/schedules/sch_[^/?]+\?done=saved$"))
        schedule = page.url.split("?")[0].rsplit("/", 1)[1]
        stored = ferry.api("GET", f"/schedules/{schedule}")
        assert [d["type"] for d in stored["destinations"]] == ["email", "webhook"]
        assert stored["recurrence"]["timezone"] == "Europe/Berlin"
    finally:
        context.close()
