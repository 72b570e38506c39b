// Ferry's own script for the dashboard's live parts. Everything works without
// it (every action is a plain form); with it, running exports move without a
// reload, next runs also show in the browser's own time zone, and `Copy`
// buttons copy (the new key). The forms' script is forms.js and editors.js.
// It calls /v1 with the session cookie and the page's CSRF token in the
// X-Ferry-Csrf header: the cookie alone is no credential for the API.
"use strict";

(function () {
  const meta = (name) => {
    const m = document.querySelector('meta[name="' + name + '"]');
    return m ? m.getAttribute("content") : "";
  };
  const base = meta("ferry-base");
  const csrf = meta("ferry-csrf");
  const POLL_MS = 500;
  const LIVE = ["QUEUED", "RUNNING", "CANCELLING"];

  async function fetchExport(id) {
    const r = await fetch(base + "/v1/exports/" + encodeURIComponent(id), {
      headers: { "X-Ferry-Csrf": csrf, "Accept": "application/json" },
      credentials: "same-origin",
      cache: "no-store",
    });
    if (!r.ok) {
      throw new Error("status " + r.status);
    }
    return r.json();
  }

  function update(row, e) {
    const bar = row.querySelector("progress");
    if (bar && e.progress && e.progress.total) {
      bar.max = Math.max(e.progress.total, 1);
      bar.value = Math.min(e.progress.completed, e.progress.total);
      bar.textContent = bar.value + " of " + bar.max;
    }
    const status = row.querySelector('[data-field="status"]');
    if (status) {
      status.textContent = e.status;
    }
    // A dataset export: the table being read and the rows of each so far.
    const dataset = row.querySelector('[data-field="dataset"]');
    if (dataset && e.datasetProgress) {
      const counts = Object.entries(e.datasetProgress.rows).map(([k, n]) => k + " " + n).join(", ");
      dataset.textContent = "reading " + e.datasetProgress.entity + " (" + counts + ")";
    }
    const rows = row.querySelector('[data-field="rows"]');
    if (rows) {
      rows.textContent = String(e.rows != null ? e.rows : (e.progress ? e.progress.completed : ""));
    }
  }

  function watch(row) {
    const id = row.getAttribute("data-export-id");
    const tick = async () => {
      let e;
      try {
        e = await fetchExport(id);
      } catch (err) {
        // Signed out or the server went away: stop quietly, the page still works.
        return;
      }
      update(row, e);
      if (LIVE.includes(e.status)) {
        setTimeout(tick, POLL_MS);
      } else {
        // Finished: the server draws Download, the error or the final size.
        window.location.reload();
      }
    };
    setTimeout(tick, POLL_MS);
  }

  // `2027-03-20 21:30 EDT (America/New_York)`: the pages' one way of writing
  // a time (server side: times.rs), whatever the browser's locale.
  function isoInZone(at, zone) {
    const parts = new Intl.DateTimeFormat("en-US", {
      timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short",
    }).formatToParts(at);
    const part = (type) => (parts.find((p) => p.type === type) || { value: "" }).value;
    const name = part("timeZoneName");
    return part("year") + "-" + part("month") + "-" + part("day") + " " + part("hour") + ":" + part("minute") +
      " " + name + (name === zone ? "" : " (" + zone + ")");
  }

  // The header's `Menu` (a <details>) is open on wide screens, where CSS hides
  // `Menu` itself, and closed on narrow ones until pressed.
  function menu() {
    const details = document.querySelector("details[data-menu]");
    if (!details) return;
    const wide = window.matchMedia("(min-width: 56rem)");
    const apply = () => { details.open = wide.matches; };
    wide.addEventListener("change", apply);
    apply();
    details.addEventListener("keydown", (e) => {
      if (e.key === "Escape" && !wide.matches && details.open) {
        details.open = false;
        details.querySelector("summary").focus();
      }
    });
  }

  // A table that scrolls sideways in its own box (narrow screens) takes the
  // keyboard focus, so it can be scrolled without a mouse; others do not.
  function scrollBoxes() {
    const boxes = document.querySelectorAll("table:not(.stack), .scroll");
    const mark = () => boxes.forEach((box) => {
      const scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.tabIndex = 0;
        box.dataset.scrollFocus = "";
      } else if (!scrolls && "scrollFocus" in box.dataset) {
        box.removeAttribute("tabindex");
        delete box.dataset.scrollFocus;
      }
    });
    window.addEventListener("resize", mark);
    mark();
  }

  function localTimes() {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    // Histories' exact times carry UTC in their title instead (`data-exact`).
    document.querySelectorAll("time[datetime]:not([data-exact])").forEach((t) => {
      const text = t.textContent || "";
      if (zone && !text.includes("(" + zone + ")")) {
        const shown = isoInZone(new Date(t.getAttribute("datetime")), zone);
        const note = document.createElement("span");
        note.className = "local-time";
        note.textContent = " (your time: " + shown + ")";
        t.after(note);
      }
    });
  }

  // `Copy` buttons (the new key, a history's links): delegated, so buttons
  // of a history drawn again keep working.
  function copyButtons() {
    document.addEventListener("click", async (event) => {
      const button = event.target.closest("[data-copy]");
      if (!button) return;
      const field = document.getElementById(button.dataset.copy);
      const status = button.parentElement.querySelector("[data-copy-status]");
      field.select();
      let done = false;
      try {
        await navigator.clipboard.writeText(field.value);
        done = true;
      } catch (e) {
        done = false;
      }
      if (status) status.textContent = done ? "Copied." : "Selected: press Ctrl+C (or Cmd+C) to copy.";
    });
  }

  // A schedule's history while a run is in progress: the server draws the
  // history again (GET /schedules/{id}/history) and it replaces the old one,
  // without a reload, until no run is in progress.
  function watchHistory(box) {
    const url = box.getAttribute("data-history-url");
    const tick = async () => {
      let html;
      try {
        const r = await fetch(url, { credentials: "same-origin", cache: "no-store", headers: { "Accept": "text/html" } });
        if (!r.ok) return;
        html = await r.text();
      } catch (err) {
        return;
      }
      const next = new DOMParser().parseFromString(html, "text/html").getElementById("history");
      if (!next) return;
      box.replaceWith(next);
      box = next;
      if (box.getAttribute("data-live") === "true") setTimeout(tick, POLL_MS * 2);
    };
    setTimeout(tick, POLL_MS * 2);
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll('tr[data-live="true"]').forEach(watch);
    document.querySelectorAll('#history[data-live="true"]').forEach(watchHistory);
    menu();
    localTimes();
    scrollBoxes();
    copyButtons();
  });
})();
