// Draws every chart whose figure the page embeds as JSON (json_script); each chart also has a table.
(function () {
  "use strict";
  if (!window.Plotly) { return; }
  document.querySelectorAll("[data-chart]").forEach(function (element) {
    var source = document.getElementById(element.dataset.chart);
    if (!source) { return; }
    var figure = JSON.parse(source.textContent);
    window.Plotly.newPlot(element, figure.data, figure.layout, figure.config);
  });
})();
