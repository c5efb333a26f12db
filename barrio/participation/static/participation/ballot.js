// The ballot's running total: money used, projects chosen or points given, said politely to
// screen readers as it changes. The page works without it (the server checks every limit).
(function () {
  "use strict";
  var form = document.querySelector("[data-ballot]");
  if (!form) { return; }
  var total = form.querySelector("[data-running-total]");
  var kind = form.dataset.kind;
  var budget = parseInt(form.dataset.budget, 10);
  var limit = parseInt(form.dataset.limit, 10);
  var points = parseInt(form.dataset.points, 10);
  var lang = document.documentElement.lang || "es";
  var money = new Intl.NumberFormat(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 });

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_match, name) { return values[name]; });
  }
  function cents(value) { return money.format(value / 100) + " " + form.dataset.currency; }

  function update() {
    var inputs = form.querySelectorAll("input[data-cost]");
    var used = 0, count = 0, given = 0;
    inputs.forEach(function (input) {
      var cost = parseInt(input.dataset.cost, 10);
      if (input.type === "checkbox") {
        if (input.checked) { used += cost; count += 1; }
      } else if (input.value.trim() !== "") {
        var value = parseInt(input.value, 10) || 0;
        if (value > 0) { used += cost; count += 1; given += value; }
      }
    });
    var text, over = false;
    if (kind === "knapsack") {
      text = fill(form.dataset.textMoney, { used: cents(used), budget: cents(budget) });
      over = used > budget || (limit && count > limit);
    } else if (kind === "cumulative") {
      text = fill(form.dataset.textPoints, { given: given, points: points });
      over = given > points;
    } else if (limit) {
      text = fill(form.dataset.textCount, { count: count, limit: limit });
      over = count > limit;
    } else {
      text = fill(form.dataset.textCountFree, { count: count });
    }
    if (over) { text += " " + form.dataset.textOver; }
    total.textContent = text;
    total.classList.toggle("running-total--over", Boolean(over));
  }

  form.addEventListener("change", update);
  form.addEventListener("input", update);
  update();
  var errors = document.getElementById("ballot-errors");
  if (errors) { errors.focus(); }
})();
