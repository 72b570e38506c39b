"""`make screenshots`: the schedules page of a fresh local Ferry with a few
schedules and one run, as docs/dashboard.png for the README."""

import sys
import time

from playwright.sync_api import sync_playwright

from ferry_server import ADMIN_KEY, Ferry, chromium_path


def main(out: str):
    ferry = Ferry()
    try:
        for name, rows in [("Open bugs by team", 40), ("Weekly figures", 120), ("Support backlog", 60)]:
            report = ferry.paced_report(name, rows=rows, rows_per_second=100_000)
            schedule = ferry.schedule(report)
        ferry.api("POST", f"/schedules/{schedule}/pause")
        ferry.api("POST", f"/schedules/{schedule}/run")
        time.sleep(1)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1280, "height": 560})
            page.goto(ferry.url + "/sign-in")
            page.get_by_label("API key").fill(ADMIN_KEY)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url("**/schedules")
            page.screenshot(path=out, full_page=True)
            browser.close()
        print(f"wrote {out}")
    finally:
        ferry.stop()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "docs/dashboard.png")
