// The applicant's documents: while one is being prepared, asks the server every two seconds how each
// stands, and reloads the page once one has changed (its download link or new status then shows).
(function () {
  "use strict";
  const root = document.getElementById("my-documents");
  if (!root) return;
  const shown = {};
  root.querySelectorAll("tr[data-serial]").forEach((row) => { shown[row.dataset.serial] = row.dataset.state; });
  if (!Object.values(shown).includes("preparing")) return;

  async function poll() {
    let states;
    try {
      const response = await fetch(root.dataset.statusUrl, { credentials: "same-origin" });
      states = (await response.json()).documents;
    } catch (error) {
      setTimeout(poll, 5000);
      return;
    }
    const changed = Object.keys(shown).some((serial) => serial in states && states[serial] !== shown[serial]);
    if (changed) window.location.reload();
    else setTimeout(poll, 2000);
  }
  setTimeout(poll, 2000);
})();
