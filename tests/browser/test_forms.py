"""The dashboard's forms (issue "Dashboard, part 2") in Debian's Chromium
against the real local server: a Jira connection to the simulator and its
`Test connection`, a report with a custom field picked by name and its
preview, a weekly schedule's `Next runs` across the DST change, destinations
with stored secrets kept, a refused webhook URL shown beside its field,
settings and a key shown once. Elements are found by role and label."""

import hashlib
import hmac
import re
import time

import pytest
from playwright.sync_api import expect

from ferry_server import ADMIN_KEY
from jira_sim import DISPLAY_NAME, EMAIL, TOKEN, JiraSim
from test_dashboard import sign_in
from webhook_receiver import Receiver

SECRET = "wh-s3cr3t"


@pytest.fixture(scope="module")
def jira():
    sim = JiraSim()
    yield sim
    sim.stop()


def allow_private_networks(ferry, on: bool):
    ferry.api("PUT", "/settings", {"allowPrivateNetworks": on})


def jira_connection(ferry, jira, name="Sim Jira") -> str:
    body = {"name": name, "kind": "jira", "settings": {"baseUrl": jira.url, "email": EMAIL, "apiToken": TOKEN}}
    return ferry.api("POST", "/connections", body)["id"]


def test_a_jira_connection_is_created_and_its_test_succeeds(page, ferry, jira):
    allow_private_networks(ferry, True)
    sign_in(page, ferry)
    page.get_by_role("navigation").get_by_role("link", name="Connections").click()
    page.get_by_role("link", name="New connection").click()
    page.get_by_label("Name").fill("Our Jira (simulated)")
    page.get_by_label("Kind").select_option("jira")
    page.get_by_label("Base URL").fill(jira.url)
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("API token").fill(TOKEN)
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(r"/connections/[^/]+/edit(\?done=[\w-]+)?$"))
    expect(page.get_by_label("API token")).to_have_value("\u2022\u2022\u2022")
    page.get_by_role("button", name="Test connection").click()
    expect(page.get_by_role("status").filter(has_text="Connection")).to_have_text(
        re.compile(f"Connection works: signed in as {DISPLAY_NAME}")
    )
    stored = [c for c in ferry.api("GET", "/connections")["items"] if c["name"] == "Our Jira (simulated)"]
    assert stored and stored[0]["settings"]["apiToken"] == "***"
    # Saved again with the token left as dots: it is kept, the test still passes.
    page.get_by_label("Name").fill("Our Jira")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Connection “Our Jira”")
    page.get_by_role("button", name="Test connection").click()
    expect(page.get_by_role("status").filter(has_text="Connection")).to_have_text(
        re.compile(f"Connection works: signed in as {DISPLAY_NAME}")
    )


def test_a_report_picks_a_custom_field_by_name_and_previews(page, ferry, jira):
    allow_private_networks(ferry, True)
    connection = jira_connection(ferry, jira, "Sim Jira for reports")
    sign_in(page, ferry)
    page.goto(ferry.url + "/reports/new")
    page.get_by_label("Name", exact=True).fill("Story points by issue")
    page.get_by_label("Connection").select_option(connection)
    expect(page.get_by_text(re.compile(r"\d+ fields: type to search"))).to_be_visible()
    page.get_by_label("Query").fill("project = SIM ORDER BY key")
    page.get_by_role("button", name="Check query").click()
    expect(page.get_by_text("The query is accepted: about 7 issues match.")).to_be_visible()
    for name in ["Key", "Story Points"]:
        page.get_by_label("Find a field").fill(name)
        page.get_by_role("button", name="Add column").click()
    second = page.get_by_role("group", name="Column 2")
    expect(second.get_by_label("Field")).to_have_value("customfield_10016")
    expect(second.get_by_label("Header")).to_have_value("Story Points")
    page.get_by_role("button", name="Preview").click()
    table = page.get_by_role("table")
    expect(table.get_by_role("columnheader", name="Story Points")).to_be_visible()
    expect(table.get_by_role("cell", name="SIM-2", exact=True)).to_be_visible()
    # The form's preview is the report page's table (reports.rs): a whole number reads "3".
    expect(table.get_by_role("cell", name="3", exact=True)).to_be_visible()
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(r"/reports/rep_[^/?]+(\?done=[\w-]+)?$"))
    expect(page.get_by_text("customfield_10016 as Story Points")).to_be_visible()


def test_a_bad_query_shows_jiras_message_beside_the_query(page, ferry, jira):
    allow_private_networks(ferry, True)
    connection = jira_connection(ferry, jira, "Sim Jira for bad queries")
    sign_in(page, ferry)
    page.goto(ferry.url + "/reports/new")
    # The browser logs the API's refusal of the check as a failed request.
    page.console.expect("400")
    page.get_by_label("Name", exact=True).fill("Bad query")
    page.get_by_label("Connection").select_option(connection)
    page.get_by_label("Query").fill("nosuchfield = 3")
    page.get_by_role("button", name="Check query").click()
    expect(page.get_by_label("Query")).to_have_accessible_description(re.compile("Field 'nosuchfield' does not exist"))


def test_next_runs_follow_the_dst_change_in_berlin(page, ferry):
    report = ferry.paced_report("DST demo", rows=5, rows_per_second=100_000)
    sign_in(page, ferry)
    page.goto(f"{ferry.url}/reports/{report}")
    page.get_by_role("link", name="Schedule", exact=True).click()
    expect(page.get_by_label("Report")).to_have_value(report)
    page.get_by_label("Frequency").select_option("weekly")
    weekdays = page.get_by_role("group", name="Weekdays")
    weekdays.get_by_label("Mon").uncheck()
    weekdays.get_by_label("Wed").check()
    weekdays.get_by_label("Sun").check()
    page.get_by_label("Time", exact=True).fill("02:30")
    page.get_by_label("Time zone").fill("Europe/Berlin")
    page.get_by_label("Start").fill("2030-03-25")
    runs = page.get_by_role("list", name="Next runs").get_by_role("listitem")
    expect(runs.first).to_have_text("Wed 2030-03-27 02:30 CET (Europe/Berlin) \u00b7 Wed 2030-03-27 01:30 UTC")
    # The clocks jump from 02:00 to 03:00 that night: 02:30 runs at 03:30, and says why.
    expect(runs.nth(1)).to_have_text(
        "Sun 2030-03-31 03:30 CEST (Europe/Berlin) \u2014 moved: 02:30 does not exist that day (clocks go forward)"
        " \u00b7 Sun 2030-03-31 01:30 UTC"
    )
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(r"/schedules/sch_[^/?]+(\?done=[\w-]+)?$"))
    expect(page.get_by_text("Weekly on Wed, Sun at 02:30 (Europe/Berlin)")).to_be_visible()


def test_destination_secrets_are_dots_and_kept_when_saved_again(page, ferry):
    allow_private_networks(ferry, True)
    receiver = Receiver()
    report = ferry.paced_report("Delivered", rows=5, rows_per_second=100_000)
    sign_in(page, ferry)
    page.goto(f"{ferry.url}/schedules/new?report={report}")
    page.get_by_label("Type of destination").select_option("email")
    page.get_by_role("button", name="Add destination").click()
    email = page.get_by_role("group", name="Email 1")
    email.get_by_label("To").fill("team@example.org, boss@example.org")
    email.get_by_label("Subject").fill("{{reportName}} is ready")
    page.get_by_label("Type of destination").select_option("webhook")
    page.get_by_role("button", name="Add destination").click()
    hook = page.get_by_role("group", name="Webhook 2")
    hook.get_by_label("URL").fill(receiver.url)
    hook.get_by_label("Headers").fill("Authorization: Bearer h3ad3r")
    hook.get_by_label("Secret").fill(SECRET)
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(r"/schedules/sch_[^/?]+(\?done=[\w-]+)?$"))
    schedule = page.url.split("?")[0].rsplit("/", 1)[1]

    page.get_by_role("link", name="Edit").click()
    hook = page.get_by_role("group", name="Webhook 2")
    expect(hook.get_by_label("Secret")).to_have_value("\u2022\u2022\u2022")
    expect(hook.get_by_label("Headers")).to_have_value("Authorization: \u2022\u2022\u2022")
    expect(page.get_by_role("group", name="Email 1").get_by_label("To")).to_have_value(
        "team@example.org, boss@example.org"
    )
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(f"/schedules/{schedule}(\\?done=[\\w-]+)?$"))

    stored = ferry.api("GET", f"/schedules/{schedule}")["destinations"]
    assert [d["type"] for d in stored] == ["email", "webhook"]
    assert stored[1]["secret"] == "***" and stored[1]["headers"] == {"Authorization": "***"}
    # The API never shows a secret; a delivery signed with it proves it kept.
    ferry.api("POST", f"/schedules/{schedule}/run")
    deadline = time.monotonic() + 30
    while not receiver.received and time.monotonic() < deadline:
        time.sleep(0.2)
    receiver.stop()
    assert receiver.received, "the webhook was delivered"
    headers, body = receiver.received[0]
    headers = {k.lower(): v for k, v in headers.items()}
    assert headers["authorization"] == "Bearer h3ad3r"
    t, v1 = (part.split("=", 1)[1] for part in headers["x-ferry-signature"].split(","))
    digest = hashlib.sha256(body).hexdigest()
    assert v1 == hmac.new(SECRET.encode(), f"{t}.{digest}".encode(), hashlib.sha256).hexdigest()


def test_a_private_webhook_url_is_refused_beside_its_field(page, ferry):
    allow_private_networks(ferry, False)
    report = ferry.paced_report("Private hook", rows=5, rows_per_second=100_000)
    before = len(ferry.api("GET", "/schedules")["items"])
    sign_in(page, ferry)
    page.goto(f"{ferry.url}/schedules/new?report={report}")
    # The browser logs the API's refusal of the save as a failed request.
    page.console.expect("400")
    page.get_by_label("Type of destination").select_option("webhook")
    page.get_by_role("button", name="Add destination").click()
    url = page.get_by_role("group", name="Webhook 1").get_by_label("URL")
    url.fill("http://127.0.0.1:9/")
    page.get_by_role("button", name="Save").click()
    expect(url).to_have_attribute("aria-invalid", "true")
    expect(url).to_have_accessible_description(re.compile("private|loopback", re.I))
    expect(url).to_have_value("http://127.0.0.1:9/")
    expect(page).to_have_url(re.compile(r"/schedules/new"))
    assert len(ferry.api("GET", "/schedules")["items"]) == before, "nothing was stored"


def test_settings_are_edited_and_saved(page, ferry):
    sign_in(page, ferry)
    page.get_by_role("navigation").get_by_role("link", name="Settings").click()
    page.get_by_label("Max attachment (MB)").fill("12")
    page.get_by_label("Email from").fill("reports@example.org")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_have_text("Settings saved.")
    expect(page.get_by_label("Max attachment (MB)")).to_have_value("12")
    settings = ferry.api("GET", "/settings")
    assert settings["maxAttachmentMb"] == 12 and settings["emailFrom"] == "reports@example.org"


def test_a_refused_setting_is_shown_beside_its_field(page, ferry):
    sign_in(page, ferry)
    page.goto(ferry.url + "/settings")
    page.console.expect("400")
    page.get_by_label("Max attachment (MB)").fill("99")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_label("Max attachment (MB)")).to_have_accessible_description("must be between 1 and 28")
    expect(page.get_by_label("Max attachment (MB)")).to_have_value("99")
    assert ferry.api("GET", "/settings")["maxAttachmentMb"] != 99


def test_a_new_key_is_shown_once(page, ferry):
    sign_in(page, ferry)
    page.get_by_role("navigation").get_by_role("link", name="Keys").click()
    page.get_by_label("User").fill("dana")
    # Exact: each existing key's row has an "Email of <user>" field of its own.
    page.get_by_label("Email", exact=True).fill("dana@example.org")
    page.get_by_label("Role").select_option("member")
    page.get_by_role("button", name="Create key").click()
    expect(page.get_by_text("this is the only time Ferry shows it")).to_be_visible()
    key = page.get_by_label("New API key").input_value()
    assert len(key) > 20
    page.get_by_role("button", name="Copy").click()
    expect(page.get_by_text(re.compile("Copied|Selected"))).to_be_visible()
    # The key works, and the list never shows it again.
    assert ferry.api("GET", "/reports", key=key)["items"] is not None
    page.get_by_role("link", name="Back to keys").click()
    expect(page.get_by_role("row").filter(has_text="dana")).to_be_visible()
    assert key not in page.content()


def test_the_last_admin_key_cannot_be_deleted_and_says_why(page, ferry):
    sign_in(page, ferry)
    page.goto(ferry.url + "/keys")
    page.console.expect("409")
    admin = [k for k in ferry.api("GET", "/keys")["items"] if k["role"] == "admin"][0]
    page.get_by_role("link", name=re.compile(f"Delete the key of {admin['user']} \\({admin['id']}\\)")).click()
    page.get_by_role("button", name="Delete").click()
    expect(page.get_by_role("alert")).to_have_text(
        "This key cannot be deleted: the last admin key cannot be deleted; create another admin key first."
    )
    assert any(k["id"] == admin["id"] for k in ferry.api("GET", "/keys")["items"])


def test_deletes_ask_on_their_own_page_and_work_without_javascript(chromium, ferry):
    report = ferry.paced_report("Short lived", rows=5, rows_per_second=100_000)
    schedule = ferry.schedule(report)
    export = ferry.api("POST", "/exports", {"reportId": report})["id"]
    deadline = time.monotonic() + 30
    while ferry.api("GET", f"/exports/{export}")["status"] != "COMPLETED" and time.monotonic() < deadline:
        time.sleep(0.2)
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(20_000)
    console = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    try:
        sign_in(page, ferry)
        page.goto(f"{ferry.url}/schedules/{schedule}")
        page.get_by_role("link", name="Delete").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Delete the schedule of “Short lived”?")
        page.get_by_role("button", name="Delete").click()
        expect(page).to_have_url(re.compile(r"/schedules(\?done=[\w-]+)?$"))
        assert all(s["id"] != schedule for s in ferry.api("GET", "/schedules")["items"])

        page.goto(f"{ferry.url}/exports")
        page.get_by_role("link", name="Delete file of Short lived").click()
        page.get_by_role("button", name="Delete").click()
        expect(page).to_have_url(re.compile(r"/exports(\?done=[\w-]+)?$"))
        assert ferry.api("GET", f"/exports/{export}")["downloadLink"] is None

        page.goto(f"{ferry.url}/reports/{report}")
        page.get_by_role("link", name="Delete").click()
        page.get_by_role("button", name="Delete").click()
        expect(page).to_have_url(re.compile(r"/reports(\?done=[\w-]+)?$"))
        expect(page.get_by_role("link", name="Short lived")).to_have_count(0)
    finally:
        context.close()
    assert console == []


def test_the_destinations_editor_works_by_keyboard(page, ferry):
    report = ferry.paced_report("By keyboard", rows=5, rows_per_second=100_000)
    sign_in(page, ferry)
    page.goto(f"{ferry.url}/schedules/new?report={report}")
    page.get_by_label("Type of destination").focus()
    page.keyboard.press("End")  # the last type: Webhook
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Add destination")).to_be_focused()
    page.keyboard.press("Enter")
    hook = page.get_by_role("group", name="Webhook 1")
    expect(hook.get_by_label("URL")).to_be_focused()
    page.keyboard.type("https://hooks.example.org/kb")
    page.get_by_label("Type of destination").focus()
    page.keyboard.press("Home")  # Email
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("group", name="Email 2").get_by_label("To")).to_be_focused()
    page.keyboard.type("kb@example.org")
    move_up = page.get_by_role("group", name="Email 2").get_by_role("button", name="Move up")
    move_up.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("group", name="Email 1").get_by_role("button", name="Move up")).to_be_focused()
    page.get_by_role("button", name="Save").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/schedules/sch_[^/?]+(\?done=[\w-]+)?$"))
    schedule = page.url.split("?")[0].rsplit("/", 1)[1]
    assert [d["type"] for d in ferry.api("GET", f"/schedules/{schedule}")["destinations"]] == ["email", "webhook"]


def test_test_connection_says_jiras_refusal_in_words(page, ferry, jira):
    allow_private_networks(ferry, True)
    body = {"name": "Wrong token", "kind": "jira", "settings": {"baseUrl": jira.url, "email": EMAIL, "apiToken": "nope"}}
    connection = ferry.api("POST", "/connections", body)["id"]
    sign_in(page, ferry)
    page.goto(f"{ferry.url}/connections")
    page.get_by_role("link", name="Wrong token", exact=True).click()
    page.get_by_role("button", name="Test connection").click()
    expect(page.get_by_role("status").filter(has_text="Connection")).to_have_text(
        re.compile(r"Connection refused: .*rejected the credentials")
    )
    assert page.url.endswith(f"/connections/{connection}/edit")


def test_a_recurrence_error_shows_beside_the_recurrence_field(page, ferry):
    report = ferry.paced_report("No days", rows=5, rows_per_second=100_000)
    before = ferry.api("GET", "/schedules")["items"]
    sign_in(page, ferry)
    page.goto(f"{ferry.url}/schedules/new?report={report}")
    page.console.expect("400")
    page.get_by_label("Time zone").fill("Europe/Berlin")
    page.get_by_role("group", name="Weekdays").get_by_label("Mon").uncheck()
    expect(page.get_by_role("status").filter(has_text="next runs")).to_contain_text("Fill in")
    page.get_by_role("button", name="Save").click()
    weekdays = page.get_by_role("group", name="Weekdays")
    expect(weekdays).to_have_attribute("aria-invalid", "true")
    expect(weekdays).to_have_accessible_description(re.compile(r"\S"))
    expect(weekdays).to_be_focused()
    expect(page.get_by_role("alert").filter(has_text="Not accepted")).to_have_text(
        "Not accepted (nothing was saved): see the fields marked below."
    )
    expect(page.get_by_label("Time zone")).to_have_value("Europe/Berlin")
    assert ferry.api("GET", "/schedules")["items"] == before, "nothing was stored"


def test_a_report_is_edited_with_renamed_reordered_columns(page, ferry):
    connection = ferry.api("POST", "/connections", {"name": "Edit source", "kind": "sample", "settings": {"rows": 30}})
    body = {"name": "To edit", "connectionId": connection["id"], "reportType": "issues",
            "columns": [{"field": "key"}, {"field": "summary"}, {"field": "status"}]}
    report = ferry.api("POST", "/reports", body)["id"]
    sign_in(page, ferry)
    page.goto(f"{ferry.url}/reports/{report}")
    page.get_by_role("link", name="Edit", exact=True).click()
    expect(page.get_by_text(re.compile(r"\d+ fields: type to search"))).to_be_visible()
    expect(page.get_by_role("group", name="Column 3").get_by_label("Field")).to_have_value("status")
    page.get_by_role("group", name="Column 2").get_by_role("button", name="Remove").click()
    page.get_by_role("group", name="Column 2").get_by_role("button", name="Move up").click()
    page.get_by_role("group", name="Column 1").get_by_label("Header").fill("State")
    page.get_by_label("Format", exact=True).select_option("jsonl")
    expect(page.get_by_role("group", name="CSV options")).to_be_hidden()
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("table").get_by_role("columnheader")).to_have_text(["State", "key"])
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(f"/reports/{report}(\\?done=[\\w-]+)?$"))
    stored = ferry.api("GET", f"/reports/{report}")
    assert stored["columns"] == [{"field": "status", "header": "State"}, {"field": "key"}]
    assert stored["format"] == "jsonl"
