"""The dashboard in Debian's Chromium against the real local server: sign in,
watch a paced export's progress bar rise to completion and download it,
cancel another, pause / resume / run a schedule, ownership by URL, sign out.
Elements are found by role and label, as people find them."""

import hashlib
import re
import time

from playwright.sync_api import expect

from ferry_server import ADMIN_KEY


def sign_in(page, ferry, key=ADMIN_KEY):
    page.goto(ferry.url + "/")
    expect(page).to_have_url(re.compile(r"/sign-in$"))
    page.get_by_label("API key").fill(key)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/schedules(\?done=[\w-]+)?$"))


def test_sign_in_shows_who_and_the_demo_report(page, ferry):
    sign_in(page, ferry)
    expect(page.get_by_text("Signed in as")).to_contain_text("admin")
    for link in ["Exports", "Reports", "Schedules", "Connections", "Settings", "Keys"]:
        expect(page.get_by_role("navigation").get_by_role("link", name=link)).to_be_visible()
    demo = ferry.api("GET", "/reports")["items"][0]["name"]
    page.get_by_role("navigation").get_by_role("link", name="Reports").click()
    expect(page.get_by_role("link", name=demo)).to_be_visible()


def test_a_wrong_key_is_refused_with_a_clear_message(page, ferry):
    page.goto(ferry.url + "/sign-in")
    page.console.expect("401")
    page.get_by_label("API key").fill("not-the-key-0123456789")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("That API key is not valid. Check it and try again.")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)


def test_an_export_moves_completes_and_downloads_with_its_sha256(page, ferry):
    # 240 rows at 40 rows/s: about six seconds of progress to watch.
    report = ferry.paced_report("Paced demo", rows=240, rows_per_second=40)
    sign_in(page, ferry)
    page.goto(f"{ferry.url}/reports/{report}")
    page.get_by_role("button", name="Start export").click()
    expect(page).to_have_url(re.compile(r"/exports(\?done=[\w-]+)?$"))
    row = page.get_by_role("row").filter(has_text="Paced demo")
    export_id = row.get_attribute("data-export-id")
    bar = row.get_by_role("progressbar")
    seen = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if row.get_by_role("link", name="Download").count() > 0:
            break
        try:
            value = bar.evaluate("e => e.hasAttribute('value') ? e.value : null", timeout=1000)
        except Exception:  # the page reloads when the export finishes
            value = None
        if value is not None and (not seen or value != seen[-1]):
            seen.append(value)
        time.sleep(0.1)
    assert len(seen) >= 3, f"the bar should move while the export runs, saw {seen}"
    assert seen == sorted(seen), f"progress never goes back: {seen}"
    expect(row.get_by_text("COMPLETED")).to_be_visible()
    with page.expect_download() as info:
        row.get_by_role("link", name="Download").click()
    data = open(info.value.path(), "rb").read()
    export = ferry.api("GET", f"/exports/{export_id}")
    assert export["rows"] == 240
    assert hashlib.sha256(data).hexdigest() == export["sha256"]


def test_an_export_is_cancelled_on_a_confirmation_page(page, ferry):
    report = ferry.paced_report("Slow to cancel", rows=100_000, rows_per_second=50)
    sign_in(page, ferry)
    page.goto(f"{ferry.url}/reports/{report}")
    page.get_by_role("button", name="Start export").click()
    row = page.get_by_role("row").filter(has_text="Slow to cancel")
    row.get_by_role("link", name="Cancel").click()
    expect(page.get_by_role("heading", name=re.compile("Cancel the export"))).to_be_visible()
    page.get_by_role("button", name="Cancel export").click()
    expect(page).to_have_url(re.compile(r"/exports(\?done=[\w-]+)?$"))
    expect(page.get_by_role("row").filter(has_text="Slow to cancel").get_by_text("CANCELLED")).to_be_visible()


def test_a_schedule_pauses_resumes_and_runs_now(page, ferry):
    report = ferry.paced_report("Weekly figures", rows=20, rows_per_second=1000)
    ferry.schedule(report)
    sign_in(page, ferry)
    row = page.get_by_role("row").filter(has_text="Weekly figures")
    expect(row).to_contain_text("Weekly on Mon, Wed at 09:00 (Europe/Berlin)")
    row.get_by_role("button", name="Pause").click()
    row = page.get_by_role("row").filter(has_text="Weekly figures")
    expect(row).to_contain_text("Paused by hand")
    row.get_by_role("button", name="Resume").click()
    row = page.get_by_role("row").filter(has_text="Weekly figures")
    expect(row).to_contain_text("Active")
    row.get_by_role("button", name="Run now").click()
    expect(page.get_by_role("heading", name="Schedule of Weekly figures")).to_be_visible()
    history = page.get_by_role("table", name="Runs, newest first")
    expect(history.get_by_role("row")).to_have_count(2)  # the header and the new run


def test_a_member_cannot_reach_an_admins_private_schedule(page, ferry):
    report = ferry.paced_report("Board only", rows=10, rows_per_second=1000, visibility="private")
    schedule = ferry.schedule(report)
    member = ferry.member_key("max")
    sign_in(page, ferry, member)
    expect(page.get_by_text("Signed in as")).to_contain_text("max")
    expect(page.get_by_role("link", name="Keys")).to_have_count(0)
    page.console.expect("404")
    response = page.goto(f"{ferry.url}/schedules/{schedule}")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    expect(page.get_by_text("Board only")).to_have_count(0)


def test_after_sign_out_the_pages_refuse(page, ferry):
    sign_in(page, ferry)
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in$"))
    page.goto(ferry.url + "/exports")
    expect(page).to_have_url(re.compile(r"/sign-in$"))
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
