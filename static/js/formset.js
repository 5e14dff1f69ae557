// "Add a row" for Django formsets: clones the empty form, numbering it from TOTAL_FORMS.
(function () {
  "use strict";
  document.querySelectorAll("[data-formset]").forEach(function (section) {
    var prefix = section.dataset.formset;
    var total = section.querySelector('input[name="' + prefix + '-TOTAL_FORMS"]');
    var rows = section.querySelector("[data-formset-rows]");
    var template = section.querySelector("template[data-formset-empty]");
    var button = section.querySelector("[data-formset-add]");
    if (!total || !rows || !template || !button) return;
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10) || 0;
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      rows.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      var added = rows.lastElementChild;
      var first = added && added.querySelector("input, textarea, select");
      if (first) first.focus();
      total.dispatchEvent(new Event("input", { bubbles: true }));
    });
  });
})();
