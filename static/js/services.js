// A services section: the indicators' project choices follow the project names as they are typed,
// and the budget totals (this domain, the whole plan) follow the budgets.
(function () {
  "use strict";
  var form = document.getElementById("section-form");
  if (!form) return;
  var budget = document.getElementById("budget");

  function arabic(text) {
    return (text || "").replace(/[\u0E50-\u0E59]/g, function (d) { return String(d.charCodeAt(0) - 0x0E50); });
  }
  function deleted(row) {
    var box = row && row.querySelector("input[name$='-DELETE']");
    return box && box.checked;
  }
  function projectRows() {
    return Array.prototype.filter.call(form.querySelectorAll("[data-formset='projects'] [data-formset-rows] [data-formset-row]"), function (row) { return !deleted(row); });
  }

  function refreshProjects() {
    var names = [];
    projectRows().forEach(function (row) {
      var input = row.querySelector("input[name$='-name']");
      var name = input && input.value.trim();
      if (name && names.indexOf(name) === -1) names.push(name);
    });
    form.querySelectorAll("select[data-project-select]").forEach(function (select) {
      var current = select.value;
      var first = select.options[0] ? select.options[0].cloneNode(true) : null;
      select.innerHTML = "";
      if (first && first.value === "") select.appendChild(first);
      var list = names.slice();
      if (current && list.indexOf(current) === -1) list.push(current);  // never drop what was chosen
      list.forEach(function (name) {
        var option = document.createElement("option");
        option.value = name; option.textContent = name;
        if (name === current) option.selected = true;
        select.appendChild(option);
      });
    });
  }

  function refreshBudget() {
    if (!budget) return;
    var total = 0;
    projectRows().forEach(function (row) {
      var input = row.querySelector("input[name$='-budget_baht']");
      var value = parseFloat(arabic(input && input.value).replace(/[,\s\u00a0]/g, ""));
      if (isFinite(value) && value >= 0) total += value;
    });
    var lang = document.documentElement.lang || "th";
    var format = new Intl.NumberFormat(lang === "th" ? "th-TH" : "en-GB", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    document.getElementById("budget-domain").textContent = format.format(total);
    document.getElementById("budget-plan").textContent = format.format(total + (parseFloat(budget.dataset.others) || 0));
  }

  function refresh() { refreshProjects(); refreshBudget(); }
  form.addEventListener("input", refresh);
  form.addEventListener("change", refresh);
  refresh();
})();
