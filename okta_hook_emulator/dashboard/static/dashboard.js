/* Okta hook emulator dashboard: small progressive enhancements, no dependencies, same-origin requests only. */
(function () {
  "use strict";

  function $(sel, root) { return (root || document).querySelector(sel); }
  function $$(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }

  // Move keyboard / screen-reader focus to a fresh notice, error or result.
  function focusNotice() {
    var target = $("[data-focus]");
    if (target && !location.hash.match(/^#hook-/)) { target.focus({ preventScroll: false }); }
    else if (location.hash) {
      var el = document.getElementById(location.hash.slice(1));
      if (el) { el.classList.add("is-target"); }
    }
  }

  // Buttons say they are working and cannot be pressed twice.
  function guardForms() {
    $$("form[method=post]").forEach(function (form) {
      form.addEventListener("submit", function (ev) {
        var question = form.getAttribute("data-confirm");
        if (question && !window.confirm(question)) { ev.preventDefault(); return; }
        $$("button[type=submit]", form).forEach(function (b) {
          b.setAttribute("aria-disabled", "true");
          b.classList.add("is-busy");
          b.dataset.label = b.textContent;
          b.textContent = "Working…";
        });
        form.setAttribute("aria-busy", "true");
      });
    });
  }

  // Register form: event types only for event hooks; add more event-type inputs.
  function registerForm() {
    var type = $("#hook-type");
    var field = $("#event-types-field");
    if (type && field) {
      var sync = function () { field.hidden = type.value !== "event"; };
      type.addEventListener("change", sync);
      sync();
    }
    var add = $("#add-event-type");
    var box = $("#event-type-inputs");
    if (add && box) {
      add.addEventListener("click", function () {
        var n = $$("input[name=event_type]", box).length + 1;
        var row = document.createElement("div");
        row.className = "event-type-row";
        var label = document.createElement("label");
        label.className = "visually-hidden";
        label.htmlFor = "event-type-" + n;
        label.textContent = "Event type " + n;
        var input = document.createElement("input");
        input.id = "event-type-" + n;
        input.name = "event_type";
        input.setAttribute("list", "event-type-list");
        input.setAttribute("autocomplete", "off");
        input.setAttribute("spellcheck", "false");
        input.placeholder = "group.user_membership.add";
        row.appendChild(label);
        row.appendChild(input);
        box.appendChild(row);
        input.focus();
      });
    }
  }

  // Flow form: only the request types / variants of the chosen kind; its example override.
  function flowForm() {
    var kind = $("[data-flow-kind]");
    if (!kind) { return; }
    var sync = function () {
      $$("select[data-per-kind]").forEach(function (select) {
        var any = false;
        $$("optgroup", select).forEach(function (group) {
          var on = group.getAttribute("data-kind") === kind.value;
          group.hidden = !on;
          group.disabled = !on;
          any = any || on;
        });
        var chosen = select.options[select.selectedIndex];
        if (chosen && chosen.parentNode.tagName === "OPTGROUP" && chosen.parentNode.disabled) { select.value = ""; }
        select.disabled = !any;
      });
      var option = kind.options[kind.selectedIndex];
      var example = option ? option.getAttribute("data-example") : "";
      var area = $("#flow-overrides");
      if (area) { area.placeholder = example || ""; }
      var text = $("[data-example-text]");
      if (text) { text.textContent = example || ""; }
    };
    kind.addEventListener("change", sync);
    sync();
  }

  // Deliveries: short polling of the table body; new rows are highlighted and announced.
  function liveDeliveries() {
    var table = $("#deliveries-table");
    if (!table) { return; }
    var body = $("#deliveries-body");
    var empty = $("#deliveries-empty");
    var status = $("#live-status");
    var url = table.getAttribute("data-live-url");
    var rows = function () { return $$("tr[data-delivery-id]", body); };
    var known = {};
    rows().forEach(function (r) { known[r.getAttribute("data-delivery-id")] = true; });
    var signature = rows().map(function (r) {
      return r.getAttribute("data-delivery-id") + ":" + r.getAttribute("data-verdict");
    }).join("|");
    var failures = 0;

    function schedule() { window.setTimeout(poll, failures ? Math.min(10000, 1000 * (failures + 1)) : 1000); }

    function poll() {
      if (document.hidden) { schedule(); return; }
      fetch(url, { headers: { Accept: "application/json" }, cache: "no-store", credentials: "same-origin" })
        .then(function (resp) { if (!resp.ok) { throw new Error("HTTP " + resp.status); } return resp.json(); })
        .then(function (data) {
          failures = 0;
          if (data.signature !== signature) {
            body.innerHTML = data.html;
            var fresh = data.ids.filter(function (id) { return !known[id]; });
            fresh.forEach(function (id) {
              var tr = body.querySelector('tr[data-delivery-id="' + id + '"]');
              if (tr) { tr.classList.add("is-new"); }
            });
            known = {};
            data.ids.forEach(function (id) { known[id] = true; });
            signature = data.signature;
            if (empty) { empty.hidden = data.count > 0; }
            if (fresh.length && status) {
              status.textContent = fresh.length + (fresh.length === 1 ? " new delivery" : " new deliveries");
            }
          }
        })
        .catch(function () {
          failures += 1;
          if (status) { status.textContent = "Lost contact with the emulator; retrying…"; }
        })
        .then(schedule);
    }
    schedule();
  }

  // Coming back with the browser's Back button: buttons work again.
  window.addEventListener("pageshow", function () {
    $$("button.is-busy").forEach(function (b) {
      b.classList.remove("is-busy");
      b.removeAttribute("aria-disabled");
      if (b.dataset.label) { b.textContent = b.dataset.label; }
    });
  });

  document.addEventListener("DOMContentLoaded", function () {
    focusNotice();
    guardForms();
    registerForm();
    flowForm();
    liveDeliveries();
  });
}());
