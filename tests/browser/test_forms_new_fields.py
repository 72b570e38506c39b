"""The fields the forms gained with the API's features (issue "forms, new
fields"): the schedule's `Deliver when`, the S3 destination (its secret kept
as dots, a climbing key refused beside the key), an email's Jira users
(`toUsers`), and a `timeInStatus` report's options, shown for that report
type only, a bad one shown beside its field. Against the real local server
and the Jira simulator; elements are found by role and label."""

import re

import pytest
from playwright.sync_api import expect

from jira_sim import JiraSim
from test_dashboard import sign_in
from test_forms import allow_private_networks, jira_connection

DOTS = "\u2022\u2022\u2022"
RECURRENCE = {"frequency": "daily", "time": "06:00", "timezone": "UTC"}


@pytest.fixture(scope="module")
def jira():
    sim = JiraSim()
    yield sim
    sim.stop()


def jira_report(ferry, jira, name: str, **extra) -> str:
    allow_private_networks(ferry, True)
    connection = jira_connection(ferry, jira, f"{name} Jira")
    body = {"name": name, "connectionId": connection, "reportType": "issues", "query": "project = SIM", **extra}
    return ferry.api("POST", "/reports", body)["id"]


def saved_schedule_id(page) -> str:
    expect(page).to_have_url(re.compile(r"/schedules/sch_[^/?]+(\?done=[\w-]+)?$"))
    return page.url.split("?")[0].rsplit("/", 1)[1]


def test_a_schedule_delivers_only_when_changed_and_the_edit_form_shows_it(page, ferry):
    report = ferry.paced_report("Changed only", rows=5, rows_per_second=100_000)
    sign_in(page, ferry)
    page.goto(f"{ferry.url}/schedules/new?report={report}")
    expect(page.get_by_label("Deliver when")).to_have_value("always")
    page.get_by_label("Deliver when").select_option(label="Only when the data changed")
    page.get_by_role("button", name="Save").click()
    schedule = saved_schedule_id(page)
    expect(page.get_by_role("definition").filter(has_text="Only when the data changed")).to_be_visible()
    assert ferry.api("GET", f"/schedules/{schedule}")["deliverWhen"] == "changed"

    page.get_by_role("link", name="Edit").first.click()
    expect(page.get_by_label("Deliver when")).to_have_value("changed")
    page.get_by_label("Deliver when").select_option("nonEmpty")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(f"/schedules/{schedule}(\\?done=[\\w-]+)?$"))
    assert ferry.api("GET", f"/schedules/{schedule}")["deliverWhen"] == "nonEmpty"


def test_an_s3_destination_keeps_its_secret_access_key_as_dots(page, ferry):
    report = ferry.paced_report("To S3", rows=5, rows_per_second=100_000)
    sign_in(page, ferry)
    page.goto(f"{ferry.url}/schedules/new?report={report}")
    page.get_by_label("Type of destination").select_option(label="S3")
    page.get_by_role("button", name="Add destination").click()
    s3 = page.get_by_role("group", name="S3 1")
    expect(s3.get_by_label("Bucket")).to_be_focused()
    s3.get_by_label("Bucket").fill("acme-data-lake")
    s3.get_by_label("Region").fill("eu-central-1")
    s3.get_by_label("Prefix").fill("ferry/")
    s3.get_by_label("Key template").fill("{{reportSlug}}/{{timestamp}}.{{ext}}")
    s3.get_by_label("Access key ID").fill("AKIAEXAMPLE123")
    s3.get_by_label("Secret access key").fill("s3-s3cr3t-value")
    s3.get_by_label("Storage class").fill("STANDARD_IA")
    s3.get_by_label("Server-side encryption").select_option("AES256")
    page.get_by_role("button", name="Save").click()
    schedule = saved_schedule_id(page)
    stored = ferry.api("GET", f"/schedules/{schedule}")["destinations"][0]
    assert stored["type"] == "s3" and stored["secretAccessKey"] == "***"
    assert (stored["bucket"], stored["prefix"], stored["storageClass"]) == ("acme-data-lake", "ferry/", "STANDARD_IA")

    page.get_by_role("link", name="Edit").click()
    s3 = page.get_by_role("group", name="S3 1")
    expect(s3.get_by_label("Secret access key")).to_have_value(DOTS)
    expect(s3.get_by_label("Bucket")).to_have_value("acme-data-lake")
    expect(s3.get_by_label("Prefix")).to_have_value("ferry/")
    expect(s3.get_by_label("Key template")).to_have_value("{{reportSlug}}/{{timestamp}}.{{ext}}")
    expect(s3.get_by_label("Access key ID")).to_have_value("AKIAEXAMPLE123")
    expect(s3.get_by_label("Server-side encryption")).to_have_value("AES256")
    s3.get_by_label("Region").fill("eu-west-1")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(f"/schedules/{schedule}(\\?done=[\\w-]+)?$"))
    stored = ferry.api("GET", f"/schedules/{schedule}")["destinations"][0]
    # Still set (masked; a lost secret would be a 400 on save: accessKeyId needs it).
    assert stored["secretAccessKey"] == "***" and stored["region"] == "eu-west-1"
    assert stored["accessKeyId"] == "AKIAEXAMPLE123"


def test_a_climbing_s3_key_is_refused_beside_the_key_field(page, ferry):
    report = ferry.paced_report("S3 climbing", rows=5, rows_per_second=100_000)
    before = len(ferry.api("GET", "/schedules")["items"])
    sign_in(page, ferry)
    page.goto(f"{ferry.url}/schedules/new?report={report}")
    page.console.expect("400")
    page.get_by_label("Type of destination").select_option("s3")
    page.get_by_role("button", name="Add destination").click()
    s3 = page.get_by_role("group", name="S3 1")
    s3.get_by_label("Bucket").fill("acme-data-lake")
    s3.get_by_label("Region").fill("eu-central-1")
    s3.get_by_label("Key template").fill("exports/../{{fileName}}")
    s3.get_by_label("Access key ID").fill("AKIAEXAMPLE123")
    s3.get_by_label("Secret access key").fill("s3-s3cr3t-value")
    page.get_by_role("button", name="Save").click()
    key = s3.get_by_label("Key template")
    expect(key).to_have_attribute("aria-invalid", "true")
    expect(key).to_have_accessible_description(re.compile(r"'\.\.'"))
    expect(key).to_have_value("exports/../{{fileName}}")
    expect(page).to_have_url(re.compile(r"/schedules/new"))
    assert len(ferry.api("GET", "/schedules")["items"]) == before, "nothing was stored"


def test_an_email_to_two_jira_users_is_saved_and_shown_again(page, ferry, jira):
    report = jira_report(ferry, jira, "Mailed to Jira users")
    sign_in(page, ferry)
    page.goto(f"{ferry.url}/schedules/new?report={report}")
    page.get_by_label("Type of destination").select_option("email")
    page.get_by_role("button", name="Add destination").click()
    email = page.get_by_role("group", name="Email 1")
    users = email.get_by_label("Jira users")
    expect(users).to_have_accessible_description(re.compile("looked up through the report's Jira connection"))
    users.fill("5b10ac8d82e05b22cc7d4ef5, 557058:f58131cb-b67d-43c7-b30d-6b58d40bd077")
    page.get_by_role("button", name="Save").click()
    schedule = saved_schedule_id(page)
    stored = ferry.api("GET", f"/schedules/{schedule}")["destinations"][0]
    assert stored["toUsers"] == ["5b10ac8d82e05b22cc7d4ef5", "557058:f58131cb-b67d-43c7-b30d-6b58d40bd077"]
    assert stored["to"] == []

    page.get_by_role("link", name="Edit").click()
    expect(page.get_by_role("group", name="Email 1").get_by_label("Jira users")).to_have_value(
        "5b10ac8d82e05b22cc7d4ef5, 557058:f58131cb-b67d-43c7-b30d-6b58d40bd077"
    )


def test_a_time_in_status_report_is_created_with_its_options(page, ferry, jira):
    allow_private_networks(ferry, True)
    connection = jira_connection(ferry, jira, "Sim Jira for time in status")
    sign_in(page, ferry)
    page.goto(ferry.url + "/reports/new")
    options = page.get_by_role("group", name="Time in status")
    expect(options).to_be_hidden()
    page.get_by_label("Name", exact=True).fill("Cycle time")
    page.get_by_label("Connection").select_option(connection)
    page.get_by_label("Query").fill("project = SIM")
    page.get_by_label("Report type").select_option("timeInStatus")
    expect(options).to_be_visible()
    expect(options.get_by_label("Layout")).to_have_value("wide")
    expect(options.get_by_label("Unit")).to_have_value("hours")
    options.get_by_label("Layout").select_option("long")
    options.get_by_label("Statuses").fill("To Do, In Progress, Done")
    calendar = options.get_by_role("group", name="Working calendar")
    expect(calendar).to_be_hidden()
    options.get_by_label("Working time only").check()
    expect(calendar).to_be_visible()
    workdays = calendar.get_by_role("group", name="Workdays")
    expect(workdays.get_by_label("Fri")).to_be_checked()
    expect(workdays.get_by_label("Sat")).not_to_be_checked()
    calendar.get_by_label("Calendar time zone").fill("Europe/Berlin")
    calendar.get_by_label("Working hours").fill("08:00-16:30")
    calendar.get_by_label("Holidays").fill("2030-12-24, 2030-12-25")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(r"/reports/rep_[^/?]+(\?done=[\w-]+)?$"))
    report = page.url.split("?")[0].rsplit("/", 1)[1]
    stored = ferry.api("GET", f"/reports/{report}")
    assert stored["reportType"] == "timeInStatus"
    assert stored["timeInStatus"] == {
        "layout": "long",
        "unit": "hours",
        "statuses": ["To Do", "In Progress", "Done"],
        "calendar": {
            "timezone": "Europe/Berlin",
            "workdays": ["MON", "TUE", "WED", "THU", "FRI"],
            "hours": "08:00-16:30",
            "holidays": ["2030-12-24", "2030-12-25"],
        },
        "statusCount": False,
    }

    page.get_by_role("link", name="Edit").click()
    options = page.get_by_role("group", name="Time in status")
    expect(options.get_by_label("Layout")).to_have_value("long")
    expect(options.get_by_label("Working time only")).to_be_checked()
    expect(options.get_by_label("Calendar time zone")).to_have_value("Europe/Berlin")
    # Around the clock again, in days: the calendar is sent as left out.
    options.get_by_label("Unit").select_option("days")
    options.get_by_label("Working time only").uncheck()
    options.get_by_label("Status count").check()
    options.get_by_label("Statuses").fill("")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(f"/reports/{report}(\\?done=[\\w-]+)?$"))
    stored = ferry.api("GET", f"/reports/{report}")["timeInStatus"]
    assert stored == {"layout": "long", "unit": "days", "calendar": None, "statusCount": True}


def test_time_in_status_options_are_hidden_and_not_sent_for_another_report_type(page, ferry, jira):
    options = {"layout": "long", "unit": "minutes", "calendar": None, "statusCount": False}
    report = jira_report(ferry, jira, "Was time in status", reportType="timeInStatus", timeInStatus=options)
    sign_in(page, ferry)
    page.goto(f"{ferry.url}/reports/{report}/edit")
    group = page.get_by_role("group", name="Time in status")
    expect(group.get_by_label("Unit")).to_have_value("minutes")
    page.get_by_label("Report type").select_option("issues")
    expect(group).to_be_hidden()
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(f"/reports/{report}(\\?done=[\\w-]+)?$"))
    stored = ferry.api("GET", f"/reports/{report}")
    assert stored["reportType"] == "issues" and stored.get("timeInStatus") is None


def test_an_unknown_calendar_zone_is_shown_beside_its_field(page, ferry, jira):
    allow_private_networks(ferry, True)
    connection = jira_connection(ferry, jira, "Sim Jira for bad calendars")
    before = len(ferry.api("GET", "/reports")["items"])
    sign_in(page, ferry)
    page.goto(ferry.url + "/reports/new")
    page.console.expect("400")
    page.get_by_label("Name", exact=True).fill("Bad calendar")
    page.get_by_label("Connection").select_option(connection)
    page.get_by_label("Report type").select_option("timeInStatus")
    page.get_by_label("Working time only").check()
    zone = page.get_by_label("Calendar time zone")
    zone.fill("Mars/Olympus_Mons")
    page.get_by_role("button", name="Save").click()
    expect(zone).to_have_attribute("aria-invalid", "true")
    expect(zone).to_have_accessible_description(re.compile(r"\S"))
    expect(zone).to_be_focused()
    expect(zone).to_have_value("Mars/Olympus_Mons")
    expect(page).to_have_url(re.compile(r"/reports/new"))
    assert len(ferry.api("GET", "/reports")["items"]) == before, "nothing was stored"


def test_a_dataset_report_is_made_on_the_form_with_its_entities_and_body_length(page, ferry, jira):
    allow_private_networks(ferry, True)
    connection = jira_connection(ferry, jira, "Sim Jira for datasets")
    sign_in(page, ferry)
    page.goto(ferry.url + "/reports/new")
    group = page.get_by_role("group", name="Dataset")
    expect(group).to_be_hidden()
    page.get_by_label("Name", exact=True).fill("Jira tables")
    page.get_by_label("Connection").select_option(connection)
    page.get_by_label("Report type").select_option("dataset")
    expect(group).to_be_visible()
    group.get_by_label("Entities").fill("issues, issue_history, users")
    group.get_by_label("Body length").fill("500")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(r"/reports/rep_[^/?]+(\?done=[\w-]+)?$"))
    report = page.url.rsplit("/", 1)[1].split("?")[0]
    stored = ferry.api("GET", f"/reports/{report}")
    assert stored["reportType"] == "dataset" and stored["compress"] is True
    assert stored["dataset"] == {"entities": ["issues", "issue_history", "users"], "bodyLength": 500}

    page.get_by_role("link", name="Edit").click()
    group = page.get_by_role("group", name="Dataset")
    expect(group.get_by_label("Entities")).to_have_value(re.compile(r"issues,\s*issue_history,\s*users"))
    group.get_by_label("Entities").fill("sprints, nope")
    page.console.expect("400")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text(re.compile("is not an entity of this source"))).to_be_visible()
