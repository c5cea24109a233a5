// pbr: small progressive enhancements; every page works without them.
(function () {
  "use strict";
  // The language picker submits itself on change (its button stays for keyboard and no-JS use).
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  // Confirmation steps (<details data-confirm>, templates/_confirm.html): opening one moves the focus to its
  // button and closes the others; Escape or «Cancelar» closes it and gives the focus back to the first button.
  var confirms = document.querySelectorAll("details[data-confirm]");
  confirms.forEach(function (details) {
    var summary = details.querySelector("summary");
    var cancel = details.querySelector("[data-confirm-cancel]");
    function close() { details.open = false; summary.focus(); }
    if (cancel) { cancel.hidden = false; cancel.addEventListener("click", close); }
    details.addEventListener("toggle", function () {
      if (!details.open) { return; }
      confirms.forEach(function (other) { if (other !== details) { other.open = false; } });
      var button = details.querySelector("button[type=submit]");
      if (button) { button.focus(); }
    });
    details.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && details.open) { event.preventDefault(); close(); }
    });
    // A form sent another way (Enter in a field) asks first too.
    var form = details.closest("form");
    if (form) {
      form.addEventListener("submit", function (event) {
        if (!details.open || !details.contains(event.submitter)) { event.preventDefault(); details.open = true; }
      });
    }
  });
  // Long requests (a spreadsheet being read) say so, and cannot be sent twice.
  document.querySelectorAll("form[data-busy-text]").forEach(function (form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector("button[type=submit]");
      if (button) { button.disabled = true; button.textContent = form.dataset.busyText; }
    });
  });
})();
