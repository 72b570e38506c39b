// What is live in each form, on top of forms.js: the schedule form's fields
// per frequency, its browser time zone and `Next runs`; the report form's
// `timeInStatus` options, field picker, `Check query` and `Preview`; the connection form's settings
// per kind and `Test connection`.
"use strict";

(function (F) {
  const $ = (root, sel) => root.querySelector(sel);
  const $$ = (root, sel) => Array.from(root.querySelectorAll(sel));

  function debounce(fn, ms) {
    let t = null;
    return () => {
      clearTimeout(t);
      t = setTimeout(fn, ms);
    };
  }

  // Shows only the boxes whose `attr` lists `value` (hidden ones are not sent).
  function showFor(root, attr, value) {
    $$(root, "[" + attr + "]").forEach((box) => {
      box.hidden = !box.getAttribute(attr).split(" ").includes(value);
    });
  }

  function zoneOptions(list) {
    return new Set($$(list, "option").map((o) => o.value));
  }

  // "Sun 2030-03-31 03:30" in `zone`; a zone this browser does not know
  // (the server's list may be newer) falls back to UTC, labelled as such.
  function wallTime(instant, zone) {
    try {
      return formatIn(instant, zone);
    } catch (e) {
      return formatIn(instant, "UTC") + " UTC";
    }
  }

  function formatIn(instant, zone) {
    const parts = {};
    new Intl.DateTimeFormat("en-GB", {
      timeZone: zone, weekday: "short", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23",
    }).formatToParts(new Date(instant)).forEach((p) => { parts[p.type] = p.value; });
    return parts.weekday + " " + parts.year + "-" + parts.month + "-" + parts.day + " " + parts.hour + ":" + parts.minute;
  }

  function scheduleForm(form) {
    const frequency = $(form, "#s-frequency");
    const zone = $(form, "#s-zone");
    const zones = zoneOptions($(form, "#s-zones"));
    const status = $(form, "[data-next-runs-status]");
    const runs = $(form, "[data-next-runs]");
    if (!zone.value) {
      const browser = Intl.DateTimeFormat().resolvedOptions().timeZone;
      zone.value = zones.has(browser) ? browser : "UTC";
    }
    const applyFrequency = () => showFor(form, "data-frequencies", frequency.value);
    frequency.addEventListener("change", applyFrequency);
    applyFrequency();

    // Asks only for a recurrence that can be whole, so typing half a zone
    // name is no refused request.
    function ready(r) {
      if (!r || !/^\d\d:\d\d$/.test(r.time || "") || !zones.has(r.timezone)) return false;
      if (r.frequency === "weekly" && !(r.weekdays || []).length) return false;
      if ((r.frequency === "monthly" || r.frequency === "yearly") && r.monthDay === undefined) return false;
      if (r.frequency === "yearly" && r.month === undefined) return false;
      return true;
    }
    let asked = 0;
    async function preview() {
      const recurrence = F.read(form).recurrence;
      if (!ready(recurrence)) {
        status.textContent = "Fill in the time, the time zone and the days to see the next runs.";
        runs.replaceChildren();
        return;
      }
      const mine = ++asked;
      const r = await F.api("POST", "/schedules/preview", { recurrence, count: 5 });
      if (mine !== asked) return;
      runs.replaceChildren();
      if (!r.ok) {
        const e = (r.body && r.body.error) || {};
        const detail = (e.details || []).map((d) => d.field + ": " + d.message).join("; ");
        status.textContent = "No runs: " + (detail || e.message || "the recurrence was not accepted");
        return;
      }
      status.textContent = r.body.runs.length
        ? "The next " + r.body.runs.length + " runs, in " + recurrence.timezone + " and in UTC:"
        : "No more runs: the schedule ends before the next one.";
      r.body.runs.forEach((at) => {
        const li = document.createElement("li");
        const time = document.createElement("time");
        time.dateTime = at;
        time.textContent = wallTime(at, recurrence.timezone) + " (" + recurrence.timezone + ")";
        const utc = document.createElement("span");
        utc.className = "utc";
        utc.textContent = " \u00b7 " + wallTime(at, "UTC") + " UTC";
        li.append(time, utc);
        runs.append(li);
      });
    }
    const later = debounce(preview, 250);
    const recurrenceBox = $(form, "fieldset[data-field-path='recurrence']");
    recurrenceBox.addEventListener("input", later);
    recurrenceBox.addEventListener("change", later);
    preview();
  }

  function cellText(v) {
    if (v === null || v === undefined) return "";
    if (Array.isArray(v)) return v.join(", ");
    return typeof v === "object" ? JSON.stringify(v) : String(v);
  }

  function reportForm(form) {
    const connection = $(form, "#r-connection");
    const format = $(form, "#r-format");
    const find = $(form, "#r-find-field");
    const choices = $(form, "#r-fields");
    const fieldsStatus = $(form, "[data-fields-status]");
    const columns = $(form, "[data-list='columns']");
    const checkResult = $(form, "[data-check-result]");
    const previewArea = $(form, "[data-preview-area]");
    const previewTable = $(form, "[data-preview-table]");
    let fields = [];

    const applyFormat = () => showFor(form, "data-formats", format.value);
    format.addEventListener("change", applyFormat);
    applyFormat();

    // The `timeInStatus` options: for that report type only (hidden, they
    // are not sent), the calendar only with `Working time only` (off: null).
    const type = $(form, "#r-type");
    const applyType = () => {
      showFor(form, "data-report-types", type.value);
      $$(form, "[data-report-types]").forEach((box) => { box.disabled = box.hidden; });
    };
    type.addEventListener("change", applyType);
    applyType();
    const calendarOn = $(form, "#r-tis-calendar");
    const calendar = $(form, "[data-calendar]");
    const calendarZone = $(form, "#r-tis-zone");
    calendarOn.checked = calendarZone.value !== "";
    const applyCalendar = () => {
      calendar.hidden = !calendarOn.checked;
      calendar.disabled = calendar.hidden;
    };
    calendarOn.addEventListener("change", () => {
      const days = $$(calendar, "[data-type='checks']");
      if (calendarOn.checked && !days.some((d) => d.checked)) {
        days.slice(0, 5).forEach((d) => { d.checked = true; });
      }
      if (calendarOn.checked && !calendarZone.value) {
        const browser = Intl.DateTimeFormat().resolvedOptions().timeZone;
        calendarZone.value = zoneOptions($(form, "#r-zones")).has(browser) ? browser : "UTC";
      }
      applyCalendar();
    });
    applyCalendar();

    async function loadFields() {
      fields = [];
      choices.replaceChildren();
      if (!connection.value) {
        fieldsStatus.textContent = "Choose a connection to list its fields.";
        return;
      }
      fieldsStatus.textContent = "Loading the connection's fields\u2026";
      const r = await F.api("GET", "/connections/" + encodeURIComponent(connection.value) + "/fields");
      if (!r.ok) {
        fieldsStatus.textContent = "The fields could not be listed: " + ((r.body && r.body.error && r.body.error.message) || r.status);
        return;
      }
      fields = r.body || [];
      fields.forEach((f) => {
        const o = document.createElement("option");
        o.value = f.name;
        o.label = f.id + (f.custom ? " (custom)" : "");
        choices.append(o);
      });
      fieldsStatus.textContent = fields.length + " fields: type to search by name or id.";
    }
    connection.addEventListener("change", loadFields);
    loadFields();

    function addColumn() {
      const wanted = find.value.trim();
      if (!wanted) {
        find.focus();
        return;
      }
      const lower = wanted.toLowerCase();
      const f = fields.find((x) => x.id.toLowerCase() === lower) || fields.find((x) => x.name.toLowerCase() === lower);
      const item = F.addItem(columns, "", f ? { field: f.id, header: f.name } : { field: wanted });
      find.value = "";
      const header = item && item.querySelector("[data-path='header']");
      if (header) header.focus();
    }
    $(form, "[data-add-column]").addEventListener("click", addColumn);
    find.addEventListener("keydown", (e) => {
      if (e.key === "Enter") {
        e.preventDefault();
        addColumn();
      }
    });

    async function draft() {
      F.clearErrors(form);
      const r = await F.api("POST", "/reports/preview", F.read(form));
      if (!r.ok) F.showError(form, r.body, r.status);
      return r;
    }
    $(form, "[data-check-query]").addEventListener("click", async () => {
      checkResult.textContent = "Checking\u2026";
      const r = await draft();
      if (!r.ok) {
        checkResult.textContent = "Not accepted: see the marked fields.";
        return;
      }
      checkResult.textContent = r.body.approximateCount != null
        ? "The query is accepted: about " + r.body.approximateCount + " issues match."
        : "The query is accepted: " + r.body.rows.length + " rows in the preview.";
    });
    $(form, "[data-preview]").addEventListener("click", async () => {
      const r = await draft();
      previewArea.hidden = false;
      previewTable.replaceChildren();
      if (!r.ok) {
        previewTable.textContent = "No preview: see the marked fields.";
        return;
      }
      const table = document.createElement("table");
      const caption = document.createElement("caption");
      caption.textContent = "The first " + r.body.rows.length + " rows"
        + (r.body.approximateCount != null ? " of about " + r.body.approximateCount : "");
      const head = document.createElement("tr");
      r.body.columns.forEach((c) => {
        const th = document.createElement("th");
        th.scope = "col";
        th.textContent = c;
        head.append(th);
      });
      const thead = document.createElement("thead");
      thead.append(head);
      const tbody = document.createElement("tbody");
      r.body.rows.forEach((row) => {
        const tr = document.createElement("tr");
        row.forEach((cell) => {
          const td = document.createElement("td");
          td.textContent = cellText(cell);
          tr.append(td);
        });
        tbody.append(tr);
      });
      table.append(caption, thead, tbody);
      previewTable.append(table);
      const body = F.read(form);
      if (body.format === "pdf") {
        const page = await pdfPage(body);
        if (page) previewTable.prepend(...page);
      }
    });

    // A PDF report's Preview also shows the PDF writer's own first page of
    // the same rows: paper, orientation and wrapping as the export will have them.
    async function pdfPage(body) {
      let r;
      try {
        r = await fetch(F.base + "/v1/reports/preview/pdf", {
          method: "POST",
          credentials: "same-origin",
          cache: "no-store",
          headers: { "X-Ferry-Csrf": F.csrf, "Content-Type": "application/json", "Accept": "application/pdf" },
          body: JSON.stringify(body),
        });
      } catch (e) {
        return null;
      }
      if (!r.ok) return null;
      const url = URL.createObjectURL(await r.blob());
      const frame = document.createElement("iframe");
      frame.className = "pdf-page";
      frame.title = "Page 1 of the PDF, as the export lays it out";
      frame.src = url;
      // Where the browser shows no PDF in a frame, the same page as a file.
      const link = document.createElement("a");
      link.href = url;
      link.download = "preview.pdf";
      link.textContent = "Download this page as a PDF";
      const p = document.createElement("p");
      p.append(link);
      return [frame, p];
    }
  }

  function connectionForm(form) {
    const kind = $(form, "#k-kind");
    const applyKind = () => {
      showFor(form, "data-kinds", kind.value);
      // Hidden settings are not sent; disabled ones cannot be focused either.
      $$(form, "[data-kinds]").forEach((box) => { box.disabled = box.hidden; });
    };
    kind.addEventListener("change", applyKind);
    applyKind();
    const button = $(form, "[data-test-connection]");
    const result = $(form, "[data-test-result]");
    if (!button) return;
    button.addEventListener("click", async () => {
      result.textContent = "Testing\u2026";
      const r = await F.api("POST", "/connections/" + encodeURIComponent(button.dataset.testConnection) + "/test");
      if (!r.ok) {
        result.textContent = "The test could not run: " + ((r.body && r.body.error && r.body.error.message) || r.status);
      } else if (r.body.ok) {
        result.textContent = "Connection works: signed in as " + r.body.user + (r.body.site ? " on " + r.body.site : "") + ".";
      } else {
        result.textContent = "Connection refused: " + r.body.error;
      }
    });
  }

  F.ready(() => {
    const schedule = document.getElementById("schedule-form");
    if (schedule) scheduleForm(schedule);
    const report = document.getElementById("report-form");
    if (report) reportForm(report);
    const connection = document.getElementById("connection-form");
    if (connection) connectionForm(connection);
  });
})(window.Ferry);
