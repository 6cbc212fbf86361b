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

  function datePickers(root) {
    if (typeof Datepicker === "undefined") return;
    root.querySelectorAll("input[data-date]").forEach(function (input) {
      if (input.datepicker) return;
      // Typed text stays the truth: the picker only writes dd/mm/yyyy into the field. An empty
      // field opens on the product's today (the demo's date), not the device's.
      var today = (input.getAttribute("data-today") || "").split("/");
      new Datepicker(input, {
        defaultViewDate: today.length === 3 ? new Date(+today[2], +today[1] - 1, +today[0]) : undefined,
        format: "dd/mm/yyyy",
        language: lang,
        weekStart: 1,
        autohide: true,
        todayButton: true,
        todayButtonMode: 1,
        clearButton: true,
        updateOnBlur: false,
        buttonClass: "btn",
      });
    });
  }

  function searchableSelects(root) {
    if (typeof TomSelect === "undefined") return;
    root.querySelectorAll("select[multiple][data-searchable]").forEach(function (select) {
      if (select.tomselect) return;
      new TomSelect(select, {
        plugins: ["remove_button"],
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
