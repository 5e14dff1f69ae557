// The province picker (cities/forms.py ProvincePicker): a filter box over the checkboxes grouped by
// region, the line of chosen provinces and each region's count. Without this script the checkboxes
// work as they are; the map follows the choice through the "provinces-changed" event (area-map.js).
(function () {
  "use strict";
  document.querySelectorAll("[data-province-picker]").forEach(function (picker) {
    var box = picker.querySelector("[data-filter-box]");
    var filter = picker.querySelector("[data-filter]");
    var found = picker.querySelector("[data-found]");
    var chosenLine = picker.querySelector("[data-chosen]");
    var regions = Array.prototype.slice.call(picker.querySelectorAll("[data-region]"));
    var boxes = Array.prototype.slice.call(picker.querySelectorAll("input[type=checkbox]"));
    if (box) box.classList.remove("d-none");

    function normalise(text) { return (text || "").toLocaleLowerCase().replace(/\s+/g, " ").trim(); }

    function refreshChosen() {
      var names = boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.dataset.name; });
      chosenLine.textContent = names.length ? names.join(", ") : chosenLine.dataset.msgNone;
      regions.forEach(function (region) {
        var count = region.querySelectorAll("input[type=checkbox]:checked").length;
        region.querySelector("[data-region-chosen]").textContent =
          count ? picker.dataset.msgChosen.replace("%(count)s", count) : "";
      });
      picker.dispatchEvent(new CustomEvent("provinces-changed", {
        bubbles: true,
        detail: { iso: boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.dataset.iso; }) }
      }));
    }

    function applyFilter() {
      var term = normalise(filter.value);
      var total = 0;
      regions.forEach(function (region) {
        var shown = 0;
        region.querySelectorAll("li[data-names]").forEach(function (item) {
          var match = !term || item.dataset.names.indexOf(term) !== -1;
          item.hidden = !match;
          shown += match ? 1 : 0;
        });
        total += shown;
        region.hidden = term && !shown;
        if (term) {
          region.open = shown > 0;
        } else {
          region.open = region.querySelector("input[type=checkbox]:checked") !== null;
        }
      });
      if (!term) { found.textContent = ""; return; }
      found.textContent = total ? filter.dataset.msgFound.replace("%(count)s", total) : filter.dataset.msgNone;
    }

    boxes.forEach(function (b) { b.addEventListener("change", refreshChosen); });
    if (filter) {
      filter.addEventListener("input", applyFilter);
      // Enter in the filter box ticks the only province found (never unticks it) instead of sending
      // the form.
      filter.addEventListener("keydown", function (event) {
        if (event.key !== "Enter") return;
        event.preventDefault();
        var visible = boxes.filter(function (b) { return !b.closest("li").hidden; });
        if (visible.length === 1) {
          if (!visible[0].checked) {
            visible[0].checked = true;
            visible[0].dispatchEvent(new Event("change", { bubbles: true }));
          }
        } else if (visible.length) {
          visible[0].focus();
        }
      });
    }
  });
})();
