// Ferry's form editor: the create-and-edit forms (schedules, reports,
// connections) are drawn by the server with a `data-path` on every field
// (its JSON path in the API's body: `recurrence.time`, or inside a list item
// `url`, which becomes `destinations[1].url`). This script fills them from
// the API's JSON, reads them back into a body, saves it through /v1 with the
// session cookie and the page's CSRF token, and shows an API refusal's
// `details[].field` beside the field it names, the form kept as typed.
//
// Lists (`data-list`) hold items cloned from `<template data-item-template>`;
// adding a destination type or a field is markup only, no script change.
"use strict";

window.Ferry = window.Ferry || {};

(function (F) {
  const meta = (name) => {
    const m = document.querySelector('meta[name="' + name + '"]');
    return m ? m.getAttribute("content") : "";
  };
  F.base = meta("ferry-base");
  F.csrf = meta("ferry-csrf");
  // The API's stand-in for a stored secret, and how the pages draw it.
  const API_SECRET = "***";
  const SHOWN_SECRET = "\u2022\u2022\u2022";
  let counter = 0;

  // A /v1 call as the signed-in person: {ok, status, body}.
  F.api = async function (method, path, body) {
    const headers = { "X-Ferry-Csrf": F.csrf, "Accept": "application/json" };
    const init = { method, headers, credentials: "same-origin", cache: "no-store" };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let r;
    try {
      r = await fetch(F.base + "/v1" + path, init);
    } catch (e) {
      return { ok: false, status: 0, body: { error: { message: "Ferry did not answer; check the connection and try again." } } };
    }
    const text = await r.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch (e) {
      json = null;
    }
    return { ok: r.ok, status: r.status, body: json };
  };

  // "a.b[2].c" → ["a", "b", 2, "c"].
  function segments(path) {
    const out = [];
    path.split(".").forEach((part) => {
      const m = part.match(/^([^[]+)((\[\d+\])*)$/);
      if (!m) {
        out.push(part);
        return;
      }
      out.push(m[1]);
      (m[2].match(/\d+/g) || []).forEach((n) => out.push(Number(n)));
    });
    return out;
  }

  F.get = function (obj, path) {
    return segments(path).reduce((v, k) => (v == null ? undefined : v[k]), obj);
  };

  F.set = function (obj, path, value) {
    const keys = segments(path);
    let v = obj;
    keys.slice(0, -1).forEach((k, i) => {
      if (v[k] == null) {
        v[k] = typeof keys[i + 1] === "number" ? [] : {};
      }
      v = v[k];
    });
    v[keys[keys.length - 1]] = value;
  };

  function itemOf(el) {
    const item = el.closest("[data-item]");
    return item && item.parentElement.closest("[data-list]") ? item : null;
  }

  // The full JSON path of a field, a list item or a `data-field-path` box.
  F.pathOf = function (el) {
    const item = el.hasAttribute("data-item") ? el : itemOf(el);
    let prefix = "";
    if (item) {
      const list = item.parentElement.closest("[data-list]");
      const items = Array.from(list.querySelectorAll(":scope > [data-item]"));
      prefix = list.dataset.list + "[" + items.indexOf(item) + "]";
      if (el === item) {
        return prefix;
      }
    }
    const own = el.dataset.path || el.dataset.fieldPath || "";
    return prefix ? prefix + "." + own : own;
  };

  function skipped(el) {
    return el.matches(":disabled") || el.closest("[hidden]") !== null || el.closest("template") !== null;
  }

  function readField(el) {
    const type = el.dataset.type || "text";
    const value = el.value;
    switch (type) {
      case "bool":
        return el.checked;
      case "int":
        if (value.trim() === "") return undefined;
        return /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value;
      case "list": {
        const items = value.split(/[,\n;]/).map((s) => s.trim()).filter((s) => s !== "");
        // `data-omit-empty`: an empty list means "left out" (all statuses), not "none".
        return items.length || !el.hasAttribute("data-omit-empty") ? items : undefined;
      }
      case "secret":
        if (value === SHOWN_SECRET) return API_SECRET;
        return value === "" ? undefined : value;
      case "headers": {
        const headers = {};
        value.split("\n").forEach((line) => {
          const at = line.indexOf(":");
          if (line.trim() === "") return;
          const name = (at < 0 ? line : line.slice(0, at)).trim();
          const v = at < 0 ? "" : line.slice(at + 1).trim();
          headers[name] = v === SHOWN_SECRET ? API_SECRET : v;
        });
        return headers;
      }
      default:
        return value === "" ? undefined : value;
    }
  }

  // The form as the API's JSON body.
  F.read = function (form) {
    const body = {};
    const checks = {};
    form.querySelectorAll("[data-path]").forEach((el) => {
      if (skipped(el)) return;
      const path = F.pathOf(el);
      if (el.dataset.type === "checks") {
        checks[path] = checks[path] || [];
        if (el.checked) checks[path].push(el.value);
        return;
      }
      const v = readField(el);
      if (v !== undefined) F.set(body, path, v);
    });
    Object.keys(checks).forEach((path) => F.set(body, path, checks[path]));
    // A list with no items is still sent: an empty list is a choice.
    form.querySelectorAll("[data-list]").forEach((list) => {
      if (!skipped(list) && F.get(body, list.dataset.list) === undefined) {
        F.set(body, list.dataset.list, []);
      }
    });
    return body;
  };

  function writeField(el, v) {
    const type = el.dataset.type || "text";
    switch (type) {
      case "bool":
        el.checked = v === undefined || v === null ? el.dataset.default === "true" : Boolean(v);
        break;
      case "checks":
        el.checked = Array.isArray(v) && v.includes(el.value);
        break;
      case "list":
        el.value = Array.isArray(v) ? v.join(", ") : "";
        break;
      case "secret":
        el.value = v === API_SECRET ? SHOWN_SECRET : v || "";
        break;
      case "headers":
        el.value = v
          ? Object.keys(v).map((k) => k + ": " + (v[k] === API_SECRET ? SHOWN_SECRET : v[k])).join("\n")
          : "";
        break;
      default:
        if (el.type === "hidden") break;
        el.value = v === undefined || v === null ? "" : String(v);
    }
  }

  // Fills `root`'s own fields (not those of nested list items) from `data`.
  function fill(root, data, relative) {
    root.querySelectorAll("[data-path]").forEach((el) => {
      if (el.closest("template")) return;
      if (!relative && itemOf(el)) return;
      writeField(el, F.get(data, el.dataset.path));
    });
  }

  // Numbers the legends of a list's items ("Destination 2: Webhook").
  function renumber(list) {
    const items = list.querySelectorAll(":scope > [data-item]");
    items.forEach((item, i) => {
      const legend = item.querySelector("[data-item-legend]");
      if (legend) {
        legend.textContent = legend.dataset.itemLegend + " " + (i + 1);
      }
    });
  }

  // Adds an item to a list, of `kind` when the list has kinds, filled from `data`.
  F.addItem = function (list, kind, data) {
    const form = list.closest("form");
    const key = list.dataset.list + (kind ? ":" + kind : "");
    const tpl = form.querySelector('template[data-item-template="' + key + '"]');
    if (!tpl) return null;
    counter += 1;
    const html = tpl.innerHTML.split("__N__").join(String(counter));
    list.insertAdjacentHTML("beforeend", html);
    const item = list.lastElementChild;
    fill(item, data || {}, true);
    renumber(list);
    list.dispatchEvent(new Event("change", { bubbles: true }));
    return item;
  };

  function itemAction(button) {
    const item = button.closest("[data-item]");
    const list = item.parentElement;
    const action = button.dataset.itemAction;
    if (action === "remove") {
      const next = item.nextElementSibling || item.previousElementSibling;
      item.remove();
      const focus = next ? next.querySelector("[data-item-action='remove']") : null;
      (focus || list.closest("fieldset") || document.body).focus();
    } else if (action === "up" && item.previousElementSibling) {
      list.insertBefore(item, item.previousElementSibling);
      button.focus();
    } else if (action === "down" && item.nextElementSibling) {
      list.insertBefore(item.nextElementSibling, item);
      button.focus();
    }
    renumber(list);
    list.dispatchEvent(new Event("change", { bubbles: true }));
  }

  F.clearErrors = function (form) {
    form.querySelectorAll(".field-error[data-generated]").forEach((e) => e.remove());
    form.querySelectorAll("[aria-invalid]").forEach((el) => {
      el.removeAttribute("aria-invalid");
      const ids = (el.getAttribute("aria-describedby") || "").split(" ").filter((id) => !id.startsWith("err-"));
      if (ids.length) el.setAttribute("aria-describedby", ids.join(" "));
      else el.removeAttribute("aria-describedby");
    });
    const summary = form.querySelector("[data-form-errors]");
    if (summary) summary.textContent = "";
  };

  // The field (or box) an API error's `field` names, trying shorter paths.
  function target(form, field) {
    const byPath = new Map();
    form.querySelectorAll("[data-path], [data-field-path], [data-item]").forEach((el) => {
      if (skipped(el) && !el.hasAttribute("data-field-path")) return;
      if (el.closest("[hidden]") || el.closest("template")) return;
      const path = F.pathOf(el);
      if (path && !byPath.has(path)) byPath.set(path, el);
    });
    let path = field;
    while (path) {
      if (byPath.has(path)) return byPath.get(path);
      const cut = Math.max(path.lastIndexOf("."), path.lastIndexOf("["));
      path = cut > 0 ? path.slice(0, cut) : "";
    }
    return null;
  }

  // Marks one field with a message, beside it.
  F.markField = function (el, message) {
    counter += 1;
    const note = document.createElement("p");
    note.className = "field-error";
    note.id = "err-" + counter;
    note.dataset.generated = "";
    note.textContent = message;
    const box = el.closest(".field") || el;
    if (box === el && (el.tagName === "FIELDSET")) {
      const legend = el.querySelector(":scope > legend");
      if (legend) legend.after(note);
      else el.prepend(note);
    } else {
      box.append(note);
    }
    const control = el.matches("input, select, textarea, fieldset") ? el : box;
    control.setAttribute("aria-invalid", "true");
    const ids = (control.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    ids.push(note.id);
    control.setAttribute("aria-describedby", ids.join(" "));
  };

  // An API error body shown in the form: each detail beside its field, the
  // rest (and the message) in the form's summary.
  F.showError = function (form, body, status) {
    F.clearErrors(form);
    const error = (body && body.error) || { message: "The request failed (HTTP " + status + ")." };
    const summary = form.querySelector("[data-form-errors]");
    const unplaced = [];
    let first = null;
    (error.details || []).forEach((d) => {
      const el = target(form, d.field || "");
      if (el) {
        F.markField(el, d.message);
        first = first || el;
      } else {
        unplaced.push((d.field ? d.field + ": " : "") + d.message);
      }
    });
    if (summary) {
      const head = first
        ? "Not accepted (nothing was saved): see the fields marked below."
        : "Not accepted (nothing was saved): " + error.message;
      summary.textContent = [head].concat(unplaced).join(" ");
    }
    if (first) {
      // A box (Weekdays, a destination) takes focus only with a tabindex.
      if (first.tagName === "FIELDSET" && !first.hasAttribute("tabindex")) first.tabIndex = -1;
      first.focus();
    }
  };

  // The API keeps a secret sent as `***` from the stored destination at the
  // same position. An item moved (or shifted by a removal) away from where it
  // was stored would get its new neighbour's secret, so its `•••` fields
  // must be typed again before saving.
  function movedSecrets(form) {
    const stale = [];
    form.querySelectorAll("[data-list]").forEach((list) => {
      list.querySelectorAll(":scope > [data-item]").forEach((item, i) => {
        if (item.dataset.origin === undefined || Number(item.dataset.origin) === i) return;
        item.querySelectorAll("[data-type='secret'], [data-type='headers']").forEach((el) => {
          if (!skipped(el) && el.value.includes(SHOWN_SECRET)) stale.push(el);
        });
      });
    });
    return stale;
  }

  async function save(form) {
    const stale = movedSecrets(form);
    if (stale.length) {
      F.clearErrors(form);
      stale.forEach((el) => F.markField(el, "This destination moved: type its stored secret again (Ferry keeps stored secrets by position)."));
      const summary = form.querySelector("[data-form-errors]");
      if (summary) summary.textContent = "Not accepted (nothing was saved): see the fields marked below.";
      stale[0].focus();
      return;
    }
    const body = F.read(form);
    if (form.ferryBeforeSave) form.ferryBeforeSave(body);
    const button = form.querySelector("button[type='submit']");
    if (button) button.disabled = true;
    const r = await F.api(form.dataset.method, form.dataset.api, body);
    if (button) button.disabled = false;
    if (r.ok) {
      const id = r.body && r.body.id ? r.body.id : "";
      window.location.assign(form.dataset.done.split("{id}").join(encodeURIComponent(id)));
    } else {
      F.showError(form, r.body, r.status);
    }
  }

  function setUp(form) {
    let initial = {};
    try {
      initial = JSON.parse(form.dataset.initial || "{}");
    } catch (e) {
      initial = {};
    }
    fill(form, initial, false);
    form.querySelectorAll("[data-list]").forEach((list) => {
      const kindKey = list.dataset.kindKey;
      (F.get(initial, list.dataset.list) || []).forEach((entry, i) => {
        const item = F.addItem(list, kindKey ? entry[kindKey] : "", entry);
        if (item) item.dataset.origin = String(i);
      });
    });
    form.addEventListener("click", (e) => {
      const button = e.target.closest("button");
      if (!button || !form.contains(button)) return;
      if (button.dataset.itemAction) {
        itemAction(button);
      } else if (button.dataset.addItem) {
        const list = form.querySelector('[data-list="' + button.dataset.addItem + '"]');
        const from = button.dataset.kindFrom ? document.getElementById(button.dataset.kindFrom) : null;
        const item = F.addItem(list, from ? from.value : "", {});
        const first = item && item.querySelector("input:not([type='hidden']), select, textarea");
        if (first) first.focus();
      }
    });
    // Fields that exclude each other (Incremental and Range).
    form.querySelectorAll("[data-excludes]").forEach((el) => {
      const other = document.getElementById(el.dataset.excludes);
      const sync = () => {
        const on = el.type === "checkbox" ? el.checked : el.value !== "";
        if (other) other.disabled = on;
      };
      el.addEventListener("change", sync);
      sync();
    });
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      save(form);
    });
    form.dispatchEvent(new CustomEvent("ferry:filled", { detail: initial }));
  }

  F.ready = function (fn) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fn);
    else fn();
  };

  F.ready(() => {
    document.querySelectorAll("form[data-editor]").forEach(setUp);
  });
})(window.Ferry);
