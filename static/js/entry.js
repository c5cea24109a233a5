// Data-entry grid: shows each cell's value (numerator / denominator × factor) as the analyst types.
// Progressive enhancement: the server computes and validates everything again on save.
(function () {
  "use strict";
  var table = document.getElementById("entry-grid");
  if (!table) { return; }
  var decimalSep = table.dataset.decimalSep || ",";
  var thousandSep = table.dataset.thousandSep || ".";
  var locale = document.documentElement.lang || "es-CL";
  // How the page's language writes a percentage, «#» for the number: «# %» in Spanish, «#%» in English.
  var percentPattern = table.dataset.percentPattern || "#\u00a0%";
  // A single mark followed by three digits (1.078, 1,500) is thousands or decimals: the server refuses it
  // (indicators/parsing.py), so no value is shown for it (the grid never writes one in an input).
  var twoReadings = /^[+-]?[1-9]\d{0,2}[.,]\d{3}$/;

  function parse(text) {
    var clean = (text || "").replace(/[\s\u00a0]/g, "");
    if (clean === "") { return null; }
    if (twoReadings.test(clean)) { return NaN; }
    var parts = clean.split(decimalSep);
    if (parts.length > 2) { return NaN; }
    var integer = parts[0];
    if (integer.indexOf(thousandSep) !== -1) {
      var grouped = new RegExp("^\\d{1,3}(\\" + thousandSep + "\\d{3})+$");
      if (!grouped.test(integer)) { return NaN; }
      integer = integer.split(thousandSep).join("");
    }
    var number = integer + (parts.length === 2 ? "." + parts[1] : "");
    if (!/^\d*(\.\d*)?$/.test(number) || number === "" || number === ".") { return NaN; }
    return parseFloat(number);
  }

  function update(output) {
    var numerator = parse(document.getElementById(output.dataset.numerator).value);
    var denominatorInput = output.dataset.denominator ? document.getElementById(output.dataset.denominator) : null;
    var denominator = denominatorInput ? parse(denominatorInput.value) : undefined;
    var decimals = parseInt(output.dataset.decimals, 10) || 0;
    var factor = parseFloat(output.dataset.factor) || 1;
    var value;
    if (numerator === null || Number.isNaN(numerator)) { value = null; }
    else if (denominatorInput === null) { value = numerator; }
    else if (denominator === null || Number.isNaN(denominator) || denominator === 0) { value = null; }
    else { value = numerator / denominator * factor; }
    if (value === null) { output.textContent = "—"; return; }
    var text = new Intl.NumberFormat(locale, { minimumFractionDigits: decimals, maximumFractionDigits: decimals, useGrouping: "always" }).format(value);
    output.textContent = output.dataset.percent === "1" ? percentPattern.replace("#", text) : text;
  }

  // Only cells offered for typing have live values (locked data shows no inputs, and no such outputs).
  var outputs = table.querySelectorAll("output[data-numerator]");
  outputs.forEach(function (output) {
    var inputs = [output.dataset.numerator, output.dataset.denominator]
      .map(function (id) { return id ? document.getElementById(id) : null; });
    if (!inputs[0]) { return; }
    inputs.forEach(function (input) {
      if (input) { input.addEventListener("input", function () { update(output); }); }
    });
    update(output);
  });
})();
