"""`make screenshots` (with screenshots.py): the README's pictures of what a
report's reader gets: page 1 of a PDF export rendered by poppler's pdftoppm
(docs/pdf-page.png) and the HTML body of a mail with five summary rows, as
Chromium shows it (docs/summary-mail.png; the body is read from the outbox's
.eml by Python's email package)."""

import json
import subprocess
import sys
import tempfile
import time
from email import policy
from email.parser import BytesParser
from pathlib import Path

from playwright.sync_api import sync_playwright

from ferry_server import ADMIN_KEY, Ferry, chromium_path


def wait(check, what: str):
    for _ in range(600):
        found = check()
        if found:
            return found
        time.sleep(0.05)
    sys.exit(f"timed out waiting for {what}")


def pdf_page(ferry: Ferry, out: Path):
    connection = ferry.api("POST", "/connections", {"name": "Tracker", "kind": "sample", "settings": {"rows": 300}})
    columns = [{"field": f} for f in ["key", "summary", "status", "assignee", "priority", "created", "timeSpent"]]
    body = {"name": "Open issues, all teams", "connectionId": connection["id"], "reportType": "issues",
            "query": "project in (DEMO, OPS) AND statusCategory != Done", "columns": columns, "format": "pdf",
            "formatOptions": {"timezone": "Europe/Berlin", "dateFormat": "%Y-%m-%d %H:%M"}}
    report = ferry.api("POST", "/reports", body)["id"]
    export = ferry.api("POST", "/exports", {"reportId": report})
    done = wait(lambda: (e := ferry.api("GET", f"/exports/{export['id']}"))["status"] == "COMPLETED" and e,
                "the PDF export")
    with tempfile.TemporaryDirectory() as work:
        pdf = Path(work) / "report.pdf"
        url = f"{ferry.url}/v1/exports/{done['id']}/download?apikey={ADMIN_KEY}"
        subprocess.run(["curl", "-sfL", "-o", str(pdf), url], check=True)
        subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                        str(out.with_suffix(""))], check=True)


def mail_html(ferry: Ferry) -> str:
    report = ferry.paced_report("Weekly support figures", rows=40, rows_per_second=100_000,
                                columns=[{"field": f} for f in ["key", "status", "assignee", "priority", "timeSpent"]])
    recurrence = {"frequency": "daily", "time": "09:00", "timezone": "Europe/Berlin"}
    destination = {"type": "email", "to": ["team@example.org"], "summaryRows": 5}
    schedule = ferry.api("POST", "/schedules", {"reportId": report, "recurrence": recurrence,
                                                "destinations": [destination]})["id"]
    ferry.api("POST", f"/schedules/{schedule}/run")
    outbox = Path(ferry.data_dir) / "data" / "outbox"
    eml = wait(lambda: next(iter(sorted(outbox.glob("*.eml"))), None) if outbox.exists() else None, "the mail")
    message = BytesParser(policy=policy.default).parse(eml.open("rb"))
    return message.get_body(preferencelist=("html",)).get_content()


def main(out_dir: str):
    out = Path(out_dir)
    ferry = Ferry()
    try:
        pdf_page(ferry, out / "pdf-page.png")
        html = mail_html(ferry)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
            # A phone's width: where the numbers in the mail matter most.
            page = browser.new_page(viewport={"width": 420, "height": 400})
            page.set_content(html)
            page.screenshot(path=str(out / "summary-mail.png"), full_page=True)
            browser.close()
        print(json.dumps({"wrote": [str(out / "pdf-page.png"), str(out / "summary-mail.png")]}))
    finally:
        ferry.stop()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "docs")
