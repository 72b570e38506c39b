"""The dashboard on a phone and for assistive technology: at 390 × 844 the
navigation opens with `Menu`, every row action is on screen without
scrolling the page sideways, and axe-core finds nothing on any page, signed
out, as an admin and as a member. Also `Next runs` across a DST gap."""

import re
import time

import pytest
from playwright.sync_api import expect

from axe import violations
from ferry_server import ADMIN_KEY

PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1280, "height": 800}
NAV = ["Exports", "Reports", "Schedules", "Connections"]
ADMIN_NAV = NAV + ["Settings", "Keys"]


@pytest.fixture(scope="module")
def world(ferry):
    """A finished export (Download, Delete file), one running (Cancel), a
    paused and an active schedule with a run, and a member with a report."""
    done = ferry.paced_report("Open bugs by team with a long name", rows=30, rows_per_second=100_000)
    finished = ferry.api("POST", "/exports", {"reportId": done})["id"]
    slow = ferry.paced_report("Slow export", rows=100_000, rows_per_second=20)
    running = ferry.api("POST", "/exports", {"reportId": slow})["id"]
    active = ferry.schedule(done)
    paused = ferry.schedule(slow)
    ferry.api("POST", f"/schedules/{paused}/pause")
    ferry.api("POST", f"/schedules/{active}/run")
    member_key = ferry.member_key("max")
    mine = ferry.paced_report("Max's report", rows=10, rows_per_second=100_000, key=member_key)
    member_schedule = ferry.schedule(mine, key=member_key)
    deadline = time.monotonic() + 30
    while ferry.api("GET", f"/exports/{finished}")["status"] != "COMPLETED":
        assert time.monotonic() < deadline, "the small export did not complete within 30 s"
        time.sleep(0.2)
    connection = ferry.api("GET", f"/reports/{done}")["connectionId"]
    key_id = next(k["id"] for k in ferry.api("GET", "/keys")["items"] if k["user"] == "max")
    return {
        "report": done, "finished": finished, "running": running, "active": active, "paused": paused,
        "connection": connection, "key_id": key_id, "member_key": member_key, "mine": mine,
        "member_schedule": member_schedule,
    }


def sign_in(page, ferry, key=ADMIN_KEY):
    page.goto(ferry.url + "/sign-in")
    page.get_by_label("API key").fill(key)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/schedules(\?done=[\w-]+)?$"))


def admin_pages(w):
    return [
        "/schedules", f"/schedules/{w['active']}", f"/schedules/{w['paused']}", "/schedules/new",
        f"/schedules/{w['active']}/edit", f"/schedules/{w['active']}/delete",
        "/exports", f"/exports/{w['finished']}/file/delete", f"/exports/{w['running']}/cancel",
        "/reports", f"/reports/{w['report']}", "/reports/new", f"/reports/{w['report']}/edit",
        f"/reports/{w['report']}/copy", f"/reports/{w['report']}/delete",
        "/connections", "/connections/new", f"/connections/{w['connection']}/edit",
        f"/connections/{w['connection']}/delete", "/settings", "/keys", f"/keys/{w['key_id']}/delete",
    ]


def member_pages(w):
    return [
        "/schedules", f"/schedules/{w['member_schedule']}", "/schedules/new", "/exports", "/reports",
        f"/reports/{w['mine']}", f"/reports/{w['mine']}/edit", "/connections", "/connections/new",
    ]


def no_violations(page, ferry, paths):
    """axe finds nothing on any of `paths`; on a phone none scrolls sideways either."""
    found = {}
    for path in paths:
        page.goto(ferry.url + path)
        page.wait_for_load_state("networkidle")
        if page.viewport_size["width"] <= PHONE["width"]:
            assert_no_sideways_scrolling(page, path)
        v = violations(page)
        if v:
            found[path] = v
    assert found == {}, "axe-core found:\n" + "\n".join(f"{p}: {line}" for p, v in found.items() for line in v)


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["wide", "phone"])
def test_axe_finds_nothing_signed_out(chromium, ferry, viewport):
    context = chromium.new_context(viewport=viewport)
    page = context.new_page()
    try:
        no_violations(page, ferry, ["/sign-in"])
        page.get_by_label("API key").fill("not-the-key-0123456789")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("alert")).to_be_visible()
        assert violations(page) == []
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["wide", "phone"])
def test_axe_finds_nothing_on_an_admins_pages(chromium, ferry, world, viewport):
    context = chromium.new_context(viewport=viewport)
    page = context.new_page()
    try:
        sign_in(page, ferry)
        no_violations(page, ferry, admin_pages(world))
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["wide", "phone"])
def test_axe_finds_nothing_on_a_members_pages(chromium, ferry, world, viewport):
    context = chromium.new_context(viewport=viewport)
    page = context.new_page()
    try:
        sign_in(page, ferry, world["member_key"])
        no_violations(page, ferry, member_pages(world))
    finally:
        context.close()


def phone_page(chromium):
    context = chromium.new_context(viewport=PHONE, device_scale_factor=1, is_mobile=True, has_touch=True)
    return context, context.new_page()


def assert_no_sideways_scrolling(page, where):
    widths = page.evaluate("() => [document.scrollingElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{where}: the page is {widths[0]} px wide in a {widths[1]} px window"


def assert_on_screen(page, element, what):
    element.scroll_into_view_if_needed()
    expect(element).to_be_visible()
    box = element.bounding_box()
    width = page.evaluate("() => window.innerWidth")
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, f"{what} is off screen: {box}"


@pytest.mark.parametrize("role", ["admin", "member"])
def test_on_a_phone_every_navigation_link_opens_from_menu(chromium, ferry, world, role):
    context, page = phone_page(chromium)
    try:
        sign_in(page, ferry, ADMIN_KEY if role == "admin" else world["member_key"])
        links = ADMIN_NAV if role == "admin" else NAV
        nav = page.get_by_role("navigation", name="Main")
        for name in links:
            assert_no_sideways_scrolling(page, page.url)
            expect(nav.get_by_role("link", name=name)).to_be_hidden()
            page.locator("summary", has_text="Menu").click()
            link = nav.get_by_role("link", name=re.compile(f"^{name}"))
            assert_on_screen(page, link, f"the {name} link")
            assert_on_screen(page, page.get_by_role("button", name="Sign out"), "Sign out")
            link.click()
            expect(page.get_by_role("heading", level=1, name=name)).to_be_visible()
            assert_no_sideways_scrolling(page, name)
        if role == "member":
            for name in ["Settings", "Keys"]:
                expect(nav.get_by_role("link", name=name)).to_have_count(0)
    finally:
        context.close()


def test_on_a_phone_every_row_action_is_on_screen_and_works(chromium, ferry, world):
    context, page = phone_page(chromium)
    try:
        sign_in(page, ferry)
        lists = {
            "/schedules": ["Pause", "Resume", "Run now"],
            "/exports": ["Download", "Delete file", "Cancel"],
            "/reports": ["Open bugs by team with a long name", "Slow export"],
            "/connections": ["Delete"],
            "/keys": ["Save email", "Delete"],
        }
        for path, names in lists.items():
            page.goto(ferry.url + path)
            assert_no_sideways_scrolling(page, path)
            rows = page.locator("tbody tr")
            assert rows.count() >= 1, f"{path} lists nothing"
            for name in names:
                actions = page.locator("tbody").locator("a, button").filter(has_text=re.compile(f"^{re.escape(name)}"))
                assert actions.count() >= 1, f"{path}: no {name}"
                for i in range(actions.count()):
                    assert_on_screen(page, actions.nth(i), f"{path}: {name} #{i + 1}")
        # Usable, not only visible: each kind of action does its work from the phone.
        page.goto(ferry.url + "/schedules")
        card = page.locator("tbody tr").filter(has_text="Open bugs by team with a long name")
        card.get_by_role("button", name="Pause").click()
        expect(page.get_by_role("status")).to_have_text(re.compile("Paused"))
        card = page.locator("tbody tr").filter(has_text="Open bugs by team with a long name")
        expect(card).to_contain_text("Paused: none until resumed")
        card.get_by_role("button", name="Resume").click()
        card = page.locator("tbody tr").filter(has_text="Open bugs by team with a long name")
        card.get_by_role("button", name="Run now").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Open bugs by team with a long name")
        assert_no_sideways_scrolling(page, "a schedule's history")
        page.goto(ferry.url + "/exports")
        page.locator("tbody tr").filter(has_text="Slow export").get_by_role("link", name="Cancel").click()
        expect(page.get_by_role("heading", name=re.compile("Cancel the export"))).to_be_visible()
        assert_no_sideways_scrolling(page, "the cancel confirmation")
        assert_on_screen(page, page.get_by_role("button", name="Cancel export"), "Cancel export")
    finally:
        context.close()


def test_the_exports_action_cells_sit_in_their_rows(chromium, ferry, world):
    context = chromium.new_context(viewport=WIDE)
    page = context.new_page()
    try:
        sign_in(page, ferry)
        page.goto(ferry.url + "/exports")
        rows = page.locator("tbody tr")
        for i in range(rows.count()):
            row = rows.nth(i).bounding_box()
            cell = rows.nth(i).locator("td").last.bounding_box()
            assert abs(cell["y"] - row["y"]) < 1 and cell["height"] <= row["height"] + 1, (row, cell)
    finally:
        context.close()


def test_the_skip_link_is_the_first_stop_and_lands_on_the_content(chromium, ferry, world):
    context, page = phone_page(chromium)
    try:
        sign_in(page, ferry)
        page.keyboard.press("Tab")
        skip = page.get_by_role("link", name="Skip to content")
        expect(skip).to_be_focused()
        assert_on_screen(page, skip, "the skip link")
        page.keyboard.press("Enter")
        expect(page.locator("main")).to_be_focused()
    finally:
        context.close()


def test_next_runs_say_which_run_a_dst_gap_moved_and_which_hour_repeats(chromium, ferry, world):
    context, page = phone_page(chromium)
    try:
        sign_in(page, ferry)
        page.goto(f"{ferry.url}/schedules/new?report={world['report']}")
        page.get_by_label("Frequency").select_option("daily")
        page.get_by_label("Time", exact=True).fill("02:30")
        page.get_by_label("Time zone").fill("America/New_York")
        page.get_by_label("Start").fill("2027-03-12")
        runs = page.get_by_role("list", name="Next runs").get_by_role("listitem")
        expect(runs.first).to_have_text("Fri 2027-03-12 02:30 EST (America/New_York) \u00b7 Fri 2027-03-12 07:30 UTC")
        # The clocks jump from 02:00 to 03:00 on 2027-03-14: 02:30 does not exist.
        expect(runs.nth(2)).to_have_text(
            "Sun 2027-03-14 03:30 EDT (America/New_York) \u2014 moved: 02:30 does not exist that day"
            " (clocks go forward) \u00b7 Sun 2027-03-14 07:30 UTC"
        )
        expect(runs.nth(3)).to_have_text("Mon 2027-03-15 02:30 EDT (America/New_York) \u00b7 Mon 2027-03-15 06:30 UTC")
        assert_no_sideways_scrolling(page, "the schedule form")
        # On 2027-11-07 the clocks go back at 02:00: 01:30 happens twice, the run is at the first.
        page.get_by_label("Time", exact=True).fill("01:30")
        page.get_by_label("Start").fill("2027-11-06")
        expect(runs.nth(1)).to_have_text(
            "Sun 2027-11-07 01:30 EDT (America/New_York) \u2014 01:30 happens twice that day (clocks go back):"
            " runs at the first \u00b7 Sun 2027-11-07 05:30 UTC"
        )
        expect(runs.nth(2)).to_have_text("Mon 2027-11-08 01:30 EST (America/New_York) \u00b7 Mon 2027-11-08 06:30 UTC")
    finally:
        context.close()


@pytest.fixture(scope="module")
def jira():
    from jira_sim import JiraSim

    sim = JiraSim()
    yield sim
    sim.stop()


def test_a_report_page_shows_its_connection_and_every_option(chromium, ferry, jira):
    from test_forms_new_fields import jira_report

    options = {"layout": "long", "unit": "days", "statusCount": True, "statuses": ["In Progress", "Done"],
               "calendar": {"timezone": "Europe/Berlin", "workdays": ["MON", "TUE"], "hours": "09:00-17:00"}}
    report = jira_report(ferry, jira, "Cycle time", reportType="timeInStatus", timeInStatus=options,
                         format="pdf", formatOptions={"paper": "letter", "maxRows": 500})
    connection = ferry.api("GET", f"/reports/{report}")["connectionId"]
    context, page = phone_page(chromium)
    try:
        sign_in(page, ferry)
        page.goto(f"{ferry.url}/reports/{report}")
        link = page.get_by_role("link", name="Cycle time Jira")
        expect(link).to_have_attribute("href", f"/connections/{connection}/edit")
        details = page.locator("dl.settings")
        for line in ["Paper: letter", "Max rows: 500", "Layout: long", "Unit: days", "Status count: yes",
                     "Statuses: In Progress, Done", "Calendar timezone: Europe/Berlin", "Calendar workdays: MON, TUE",
                     "Calendar hours: 09:00-17:00"]:
            expect(details.get_by_role("listitem").filter(has_text=re.compile(f"^{re.escape(line)}$"))).to_have_count(1)
        assert_no_sideways_scrolling(page, "a report's page")
        assert violations(page) == []
    finally:
        context.close()


def test_seven_columns_fit_in_a_compact_editor_and_the_preview_opens_under_its_button(chromium, ferry, world):
    context = chromium.new_context(viewport=WIDE)
    page = context.new_page()
    try:
        sign_in(page, ferry)
        page.goto(f"{ferry.url}/reports/{world['report']}/edit")
        for field in ["key", "summary", "status", "assignee", "priority", "created", "updated"]:
            page.get_by_label("Find a field").fill(field)
            page.get_by_role("button", name="Add column").click()
        columns = page.get_by_role("group", name=re.compile(r"^Column \d$"))
        expect(columns).to_have_count(7)
        top = columns.first.bounding_box()
        bottom = columns.last.bounding_box()
        height = bottom["y"] + bottom["height"] - top["y"]
        assert height <= 7 * 56, f"7 columns take {height:.0f} px"
        assert violations(page) == []
        page.get_by_role("button", name="Preview").click()
        heading = page.get_by_role("heading", name="Preview")
        expect(heading).to_be_in_viewport()
        button = page.get_by_role("button", name="Preview").bounding_box()
        assert 0 < heading.bounding_box()["y"] - button["y"] < 200, "the preview starts right under its button"
        expect(page.get_by_role("table").filter(has_text="The first")).to_be_visible()
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["wide", "phone"])
def test_the_navigation_needs_no_script(chromium, ferry, viewport):
    context = chromium.new_context(viewport=viewport, java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, ferry)
        nav = page.get_by_role("navigation", name="Main")
        if viewport == PHONE:
            expect(nav.get_by_role("link", name="Keys")).to_be_hidden()
            page.locator("summary", has_text="Menu").click()
        for name in ADMIN_NAV:
            assert_on_screen(page, nav.get_by_role("link", name=re.compile(f"^{name}")), f"the {name} link")
        assert_no_sideways_scrolling(page, "the schedules page without script")
    finally:
        context.close()
