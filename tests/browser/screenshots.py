"""`make screenshots`: pictures of a fresh local Ferry for the README: the
schedules page with a few schedules and one run (docs/dashboard.png), the
schedule form with its next runs and two destinations (docs/schedule-form.png),
that run's schedule with its history (docs/schedule-history.png), the keys
page (docs/keys.png), and on a 390 × 844 phone the schedules list
(docs/phone-schedules.png) and the history (docs/phone-history.png), all
beside the first."""

import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from ferry_server import ADMIN_KEY, Ferry, chromium_path


def schedules_page(page, out: str):
    page.goto(page.ferry_url + "/schedules")
    page.screenshot(path=out, full_page=True)


def schedule_form(page, report: str, out: str):
    page.goto(f"{page.ferry_url}/schedules/new?report={report}")
    page.get_by_label("Frequency").select_option("weekly")
    weekdays = page.get_by_role("group", name="Weekdays")
    weekdays.get_by_label("Mon").uncheck()
    weekdays.get_by_label("Wed").check()
    weekdays.get_by_label("Sun").check()
    page.get_by_label("Time", exact=True).fill("02:30")
    page.get_by_label("Time zone").fill("Europe/Berlin")
    page.get_by_label("Start").fill("2030-03-25")
    page.get_by_label("Type of destination").select_option("email")
    page.get_by_role("button", name="Add destination").click()
    email = page.get_by_role("group", name="Email 1")
    email.get_by_label("To").fill("team@example.org")
    email.get_by_label("Subject").fill("{{reportName}} for {{reportDate}}")
    page.get_by_label("Type of destination").select_option("webhook")
    page.get_by_role("button", name="Add destination").click()
    page.get_by_role("group", name="Webhook 2").get_by_label("URL").fill("https://hooks.example.org/ferry")
    page.get_by_role("list", name="Next runs").get_by_role("listitem").nth(4).wait_for()
    page.get_by_label("Report").focus()
    page.screenshot(path=out, full_page=True)


def schedule_history(page, schedule: str, out: str):
    page.goto(f"{page.ferry_url}/schedules/{schedule}")
    page.screenshot(path=out, full_page=True)


def keys_page(page, out: str):
    page.goto(page.ferry_url + "/keys")
    page.screenshot(path=out, full_page=True)


def phone_pictures(browser, ferry_url: str, schedule: str, schedules_out: str, history_out: str):
    """The same server on a phone: the list as cards, the history in its box."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=1, is_mobile=True, timezone_id="Europe/Berlin"
    )
    page = context.new_page()
    page.goto(ferry_url + "/sign-in")
    page.get_by_label("API key").fill(ADMIN_KEY)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/schedules")
    page.screenshot(path=schedules_out, full_page=True)
    page.goto(f"{ferry_url}/schedules/{schedule}")
    page.screenshot(path=history_out, full_page=True)
    context.close()


def main(out: str):
    form_out = str(Path(out).with_name("schedule-form.png"))
    history_out = str(Path(out).with_name("schedule-history.png"))
    keys_out = str(Path(out).with_name("keys.png"))
    phone_list_out = str(Path(out).with_name("phone-schedules.png"))
    phone_history_out = str(Path(out).with_name("phone-history.png"))
    ferry = Ferry()
    try:
        reports = []
        for name, rows in [("Open bugs by team", 40), ("Weekly figures", 120), ("Support backlog", 60)]:
            report = ferry.paced_report(name, rows=rows, rows_per_second=100_000)
            reports.append(report)
            schedule = ferry.schedule(report)
        ferry.api("POST", f"/schedules/{schedule}/pause")
        ferry.api("POST", f"/schedules/{schedule}/run")
        time.sleep(1)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1280, "height": 560}, timezone_id="Europe/Berlin")
            page.ferry_url = ferry.url
            page.goto(ferry.url + "/sign-in")
            page.get_by_label("API key").fill(ADMIN_KEY)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url("**/schedules")
            schedules_page(page, out)
            schedule_form(page, reports[0], form_out)
            schedule_history(page, schedule, history_out)
            keys_page(page, keys_out)
            phone_pictures(browser, ferry.url, schedule, phone_list_out, phone_history_out)
            browser.close()
        print(f"wrote {out}, {form_out}, {history_out}, {keys_out}, {phone_list_out} and {phone_history_out}")
    finally:
        ferry.stop()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "docs/dashboard.png")
