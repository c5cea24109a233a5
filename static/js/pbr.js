// pbr: small progressive enhancements; every page works without them.
(function () {
  "use strict";
  // The language picker submits itself on change (its button stays for keyboard and no-JS use).
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  // Long requests (a spreadsheet being read) say so, and cannot be sent twice.
  document.querySelectorAll("form[data-busy-text]").forEach(function (form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector("button[type=submit]");
      if (button) { button.disabled = true; button.textContent = form.dataset.busyText; }
    });
  });
})();
