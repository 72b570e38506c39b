// Ferry's editors are plain forms the server draws, decodes and saves (each
// field's `name` is its path in the API's body). This script only makes the
// list rows quicker: `Move up`, `Move down` and `Remove` move rows in place,
// and `Add …` clones a row from its `<template>`, instead of posting the form
// for the server to draw it again (which is what happens without script).
// A row keeps the number in its names when it moves: the server reads rows
// in the order the form sends them, so nothing is renumbered.
"use strict";

window.Ferry = window.Ferry || {};

(function (F) {
  const meta = (name) => {
    const m = document.querySelector('meta[name="' + name + '"]');
    return m ? m.getAttribute("content") : "";
  };
  F.base = meta("ferry-base");
  F.csrf = meta("ferry-csrf");
  // New rows take numbers no row drawn by the server has.
  let counter = 1000;

  // A /v1 read as the signed-in person (the live helpers): {ok, status, body}.
  F.api = async function (method, path) {
    const init = { method, headers: { "X-Ferry-Csrf": F.csrf, "Accept": "application/json" }, credentials: "same-origin", cache: "no-store" };
    try {
      const r = await fetch(F.base + "/v1" + path, init);
      const text = await r.text();
      return { ok: r.ok, status: r.status, body: text ? JSON.parse(text) : null };
    } catch (e) {
      return { ok: false, status: 0, body: null };
    }
  };

  // Numbers the legends of a list's rows ("Webhook 2").
  function renumber(list) {
    list.querySelectorAll(":scope > [data-item]").forEach((item, i) => {
      const legend = item.querySelector("[data-item-legend]");
      if (legend) legend.textContent = legend.dataset.itemLegend + " " + (i + 1);
    });
  }

  // Adds a row from the template `key` ("columns", "destinations:webhook").
  F.addItem = function (form, list, key) {
    const tpl = form.querySelector('template[data-item-template="' + key + '"]');
    if (!tpl || !list) return null;
    counter += 1;
    list.insertAdjacentHTML("beforeend", tpl.innerHTML.split("__N__").join(String(counter)));
    const item = list.lastElementChild;
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
      if (focus) focus.focus();
      else {
        const box = list.closest("fieldset");
        if (box) {
          box.tabIndex = -1;
          box.focus();
        }
      }
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

  function setUp(form) {
    form.addEventListener("click", (e) => {
      const button = e.target.closest("button");
      if (!button || !form.contains(button)) return;
      if (button.dataset.itemAction) {
        e.preventDefault();
        itemAction(button);
      } else if (button.dataset.addItem) {
        e.preventDefault();
        const list = form.querySelector('[data-list="' + button.dataset.addItem + '"]');
        const from = button.dataset.kindFrom ? document.getElementById(button.dataset.kindFrom) : null;
        const key = button.dataset.addItem + (from ? ":" + from.value : "");
        const item = F.addItem(form, list, key);
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
    // The first field with an error takes the focus.
    const invalid = form.querySelector("[aria-invalid='true']");
    if (invalid) {
      // A box (Weekdays) takes focus only with a tabindex.
      if (!invalid.matches("input, select, textarea, button")) invalid.tabIndex = -1;
      invalid.focus();
    }
  }

  F.ready = function (fn) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fn);
    else fn();
  };

  F.ready(() => {
    document.querySelectorAll("form.editor").forEach(setUp);
  });
})(window.Ferry);
