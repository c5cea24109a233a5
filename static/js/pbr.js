// pbr: small progressive enhancements; every page works without them.
(function () {
  "use strict";
  // The language picker submits itself on change (its button stays for keyboard and no-JS use).
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
})();
