// pbr admin: the rollover review keeps each region's sum of ponderaciones in step with its checkboxes.
(function () {
  "use strict";
  document.querySelectorAll("fieldset.rollover-region").forEach(function (region) {
    var total = region.querySelector("[data-weight-total]");
    var warning = region.querySelector("[data-weight-warning]");
    var boxes = region.querySelectorAll("input[name=indicators][data-weight]");
    var regionBox = region.querySelector("input[name=regions]");
    if (!total || !boxes.length) { return; }
    var format = new Intl.NumberFormat(document.documentElement.lang || undefined, { maximumFractionDigits: 2 });
    function update() {
      var sum = 0;
      boxes.forEach(function (box) {
        if (box.checked && (!regionBox || regionBox.checked)) { sum += Number(box.dataset.weight); }
      });
      total.textContent = format.format(sum);
      if (warning) { warning.hidden = Math.abs(sum - 100) < 0.005; }
    }
    boxes.forEach(function (box) { box.addEventListener("change", update); });
    if (regionBox) { regionBox.addEventListener("change", update); }
  });
})();
