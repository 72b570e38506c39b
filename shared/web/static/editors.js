// What is live in each form, on top of forms.js: the schedule form's fields
// per frequency, its browser time zone and `Next runs`; the report form's
// boxes per format and report type and its field search (`Check query` and
// `Preview` are buttons of the form itself); the connection form's settings
// per kind (a hidden box is disabled, so the form does not post it; `Test
// connection` is a button of the form itself).
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

  function scheduleForm(form) {
    const frequency = $(form, "#s-frequency");
    const zone = $(form, "#s-zone");
    const zones = zoneOptions($(form, "#s-zones"));
    const area = $(form, "[data-next-runs-area]");
    if (!zone.value) {
      const browser = Intl.DateTimeFormat().resolvedOptions().timeZone;
      zone.value = zones.has(browser) ? browser : "UTC";
    }
    // Fields of other frequencies are hidden and disabled: not posted.
    const applyFrequency = () => {
      showFor(form, "data-frequencies", frequency.value);
      $$(form, "[data-frequencies]").forEach((box) => {
        $$(box, "input, select").forEach((el) => { el.disabled = box.hidden; });
      });
    };
    frequency.addEventListener("change", applyFrequency);
    applyFrequency();

    // `Next runs`: the server draws them for the form as it is (the same
    // decoding as Save); the newest answer wins.
    let asked = 0;
    async function refresh() {
      const mine = ++asked;
      let html = null;
      try {
        const r = await fetch(form.dataset.nextRunsFrom, {
          method: "POST",
          headers: { "Content-Type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams(new FormData(form)),
          credentials: "same-origin",
          cache: "no-store",
        });
        html = r.ok ? await r.text() : null;
      } catch (e) {
        html = null;
      }
      if (mine === asked && html !== null) area.innerHTML = html;
    }
    const later = debounce(refresh, 250);
    const box = $(form, "[data-recurrence]");
    box.addEventListener("input", later);
    box.addEventListener("change", later);
    refresh();
  }

  function reportForm(form) {
    const connection = $(form, "#r-connection");
    const format = $(form, "#r-format");
    const find = $(form, "#r-find-field");
    const choices = $(form, "#r-fields");
    const fieldsStatus = $(form, "[data-fields-status]");
    const columns = $(form, "[data-list='columns']");
    let fields = [];

    // Boxes of another format or report type are hidden and disabled, so
    // the form does not post them (the server leaves them out without script).
    const applyFormat = () => {
      showFor(form, "data-formats", format.value);
      $$(form, "[data-formats]").forEach((box) => { box.disabled = box.hidden; });
    };
    format.addEventListener("change", applyFormat);
    applyFormat();
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
    const applyCalendar = () => {
      calendar.hidden = !calendarOn.checked;
      calendar.disabled = calendar.hidden;
    };
    calendarOn.addEventListener("change", () => {
      const days = $$(calendar, "input[type='checkbox']");
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

    // Field search: the connection's fields from /v1, by name or id.
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
      const item = F.addItem(form, columns, "columns");
      if (!item) return;
      $(item, "[data-column-field]").value = f ? f.id : wanted;
      const header = $(item, "[data-column-header]");
      header.value = f ? f.name : "";
      find.value = "";
      header.focus();
    }
    $(form, "[data-add-column]").addEventListener("click", (e) => {
      e.preventDefault();
      addColumn();
    });
    find.addEventListener("keydown", (e) => {
      if (e.key === "Enter") {
        e.preventDefault();
        addColumn();
      }
    });
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
