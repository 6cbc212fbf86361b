/* Forms, made easier where a script runs; every form works the same without it.
 * - input[data-date]: a dd/mm/yyyy text field with the vendored date picker (vanillajs-datepicker).
 * - select[data-searchable]: a multi-select to search and pick by touch (vendored Tom Select).
 * - input[type=file][data-max-bytes]: a file larger than the server takes is refused here,
 *   before minutes of sending it (the server refuses it too, keeping the form).
 * - #form-draft: the fields of a form the server refused (session ended, body too large),
 *   filled into the form of this page they were sent from, once (tracker/auth/drafts.py).
 */
(function () {
  "use strict";
  var lang = document.documentElement.lang === "vi" ? "vi" : "en";

  // dd/mm/yyyy as typed, or null: never rolled over (31/02 is not 02/03), the server says why.
  function typedDate(text) {
    var m = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})\s*$/.exec(text || "");
    if (!m) return null;
    var d = new Date(+m[3], +m[2] - 1, +m[1]);
    return d.getDate() === +m[1] && d.getMonth() === +m[2] - 1 ? d : null;
  }

  var CALENDAR_ICON = '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 16 16" ' +
    'fill="currentColor" aria-hidden="true"><path d="M3.5 0a.5.5 0 0 1 .5.5V1h8V.5a.5.5 0 0 1 1 0V1h1a2 2 0 0 1 ' +
    '2 2v11a2 2 0 0 1-2 2H2a2 2 0 0 1-2-2V3a2 2 0 0 1 2-2h1V.5a.5.5 0 0 1 .5-.5zM1 4v10a1 1 0 0 0 1 1h12a1 1 0 0 ' +
    '0 1-1V4H1z"/></svg>';

  // The picker sits beside the field, behind a button: the text field stays a plain text field
  // (the library's own reading of typed text would turn 31/02/2024 into 02/03/2024).
  function datePickers(root) {
    if (typeof Datepicker === "undefined") return;
    root.querySelectorAll("input[data-date]").forEach(function (input) {
      if (input.hasAttribute("data-picker")) return;
      input.setAttribute("data-picker", "");
      var field = document.createElement("div");
      field.className = "date-field";
      var group = document.createElement("div");
      group.className = "input-group flex-nowrap" + (input.classList.contains("form-control-sm") ? " input-group-sm" : "");
      input.parentNode.insertBefore(field, input);
      field.appendChild(group);
      group.appendChild(input);
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-outline-secondary";
      button.setAttribute("aria-label", input.getAttribute("data-picker-label") || "");
      button.setAttribute("aria-expanded", "false");
      button.innerHTML = CALENDAR_ICON;
      group.appendChild(button);
      var popup = document.createElement("div");
      popup.className = "date-popup shadow";
      popup.hidden = true;
      field.appendChild(popup);
      var today = typedDate(input.getAttribute("data-today"));
      var picker = new Datepicker(popup, {
        format: "dd/mm/yyyy",
        language: lang,
        weekStart: 1,
        todayButton: true,
        todayButtonMode: 1,
        defaultViewDate: today || undefined,
        buttonClass: "btn btn-sm",
      });
      function close() {
        popup.hidden = true;
        button.setAttribute("aria-expanded", "false");
      }
      button.addEventListener("click", function () {
        if (!popup.hidden) { close(); return; }
        var typed = typedDate(input.value);
        picker.setDate(typed ? typed : { clear: true });
        if (!typed && today) picker.setFocusedDate(today);
        popup.hidden = false;
        button.setAttribute("aria-expanded", "true");
      });
      popup.addEventListener("changeDate", function (event) {
        if (!event.detail.date || popup.hidden) return;
        input.value = Datepicker.formatDate(event.detail.date, "dd/mm/yyyy");
        input.dispatchEvent(new Event("change", { bubbles: true }));
        close();
        input.focus();
      });
      document.addEventListener("mousedown", function (event) {
        if (!popup.hidden && !field.contains(event.target)) close();
      });
      field.addEventListener("keydown", function (event) {
        if (event.key === "Escape" && !popup.hidden) { close(); button.focus(); }
      });
    });
  }

  function searchableSelects(root) {
    if (typeof TomSelect === "undefined") return;
    root.querySelectorAll("select[multiple][data-searchable]").forEach(function (select) {
      if (select.tomselect) return;
      new TomSelect(select, {
        // The remove button's title is read by screen readers: the page's language, not "Remove".
        plugins: { remove_button: { title: select.getAttribute("data-remove-label") || "" } },
        maxOptions: null,
        hideSelected: true,
        closeAfterSelect: false,
        placeholder: select.getAttribute("data-placeholder") || "",
        render: {
          no_results: function () {
            return '<div class="no-results">' + (lang === "vi" ? "Không tìm thấy" : "No match") + "</div>";
          },
        },
      });
      var hint = select.closest(".mb-3") && select.closest(".mb-3").querySelector("[data-no-script-hint]");
      if (hint) hint.hidden = true;
    });
  }

  function tooLarge(input) {
    var max = parseInt(input.getAttribute("data-max-bytes"), 10);
    if (!max || !input.files) return false;
    for (var i = 0; i < input.files.length; i++) {
      if (input.files[i].size > max) return true;
    }
    return false;
  }

  function showSize(input) {
    var message = tooLarge(input) ? input.getAttribute("data-too-large") : "";
    input.setCustomValidity(message);
    input.classList.toggle("is-invalid", !!message);
    var note = input.parentNode.querySelector("[data-size-error]");
    if (!note) {
      note = document.createElement("div");
      note.className = "invalid-feedback d-block";
      note.setAttribute("data-size-error", "");
      note.setAttribute("role", "alert");
      input.insertAdjacentElement("afterend", note);
    }
    note.textContent = message;
    return !message;
  }

  function fileLimits(root) {
    root.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
      input.addEventListener("change", function () { showSize(input); });
      var form = input.form;
      if (form && !form.hasAttribute("data-size-checked")) {
        form.setAttribute("data-size-checked", "");
        form.addEventListener("submit", function (event) {
          var ok = true;
          form.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (i) {
            ok = showSize(i) && ok;
          });
          if (!ok) {
            event.preventDefault();
            event.stopImmediatePropagation();
          }
        });
      }
    });
  }

  function pathOf(url) {
    var a = document.createElement("a");
    a.href = url;
    return a.pathname;
  }

  // The form the draft came from: sent to the same URL, and whose hidden fields (an officer's
  // id, a version) say the same as the draft's, when several forms post to one URL.
  function draftForm(draft) {
    var values = {};
    draft.fields.forEach(function (pair) { (values[pair[0]] = values[pair[0]] || []).push(pair[1]); });
    var best = null, bestScore = -1;
    document.querySelectorAll("form[method=post], form[method=POST]").forEach(function (form) {
      if (pathOf(form.action) !== draft.action) return;
      var score = 0, agrees = true;
      form.querySelectorAll("input[type=hidden][name]").forEach(function (input) {
        if (input.name === "csrf_token" || !values[input.name]) return;
        if (values[input.name].indexOf(input.value) >= 0) score++; else if (input.name !== "version" && input.name !== "form_token") agrees = false;
      });
      if (agrees && score > bestScore) { best = form; bestScore = score; }
    });
    return best;
  }

  function restoreDraft() {
    var holder = document.getElementById("form-draft");
    if (!holder) return;
    var draft;
    try { draft = JSON.parse(holder.textContent); } catch (e) { return; }
    var form = draftForm(draft);
    if (!form) return;
    var values = {};
    draft.fields.forEach(function (pair) { (values[pair[0]] = values[pair[0]] || []).push(pair[1]); });
    Object.keys(values).forEach(function (name) {
      var typed = values[name];
      form.querySelectorAll("[name]").forEach(function (el) {
        if (el.name !== name || el.type === "file" || el.name === "csrf_token") return;
        if (el.type === "checkbox" || el.type === "radio") {
          el.checked = typed.indexOf(el.value) >= 0;
        } else if (el.tagName === "SELECT") {
          Array.prototype.forEach.call(el.options, function (o) { o.selected = typed.indexOf(o.value) >= 0; });
        } else if (el.type !== "submit" && el.type !== "button") {
          el.value = typed[0];
        }
        el.dispatchEvent(new Event("change", { bubbles: true }));
      });
    });
    var note = document.getElementById("form-draft-restored");
    if (note) note.hidden = false;
    (form.querySelector("input:not([type=hidden]), textarea, select") || form).scrollIntoView({ block: "center" });
  }

  function enhance(root) {
    datePickers(root);
    searchableSelects(root);
    fileLimits(root);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { restoreDraft(); enhance(document); });
  } else {
    restoreDraft();
    enhance(document);
  }
})();
