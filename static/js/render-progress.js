// The progress page of a round's documents: asks the server every two seconds how many are ready, and
// moves the bar, the counts and the error table until nothing is pending or rendering.
(function () {
  "use strict";
  const root = document.getElementById("render-progress");
  if (!root) return;
  const bar = document.getElementById("render-bar");
  const counts = document.getElementById("render-counts");
  const errors = document.querySelector("#render-errors tbody");
  const downloads = document.getElementById("downloads");
  const template = counts.textContent;
  const first = template.match(/\d+/g) || [];
  // The page comes with the bar's value in aria-valuenow (no inline style: the Content-Security-Policy).
  bar.style.width = bar.parentElement.getAttribute("aria-valuenow") + "%";

  function cell(text) {
    const td = document.createElement("td");
    td.textContent = text;
    return td;
  }

  async function poll() {
    let state;
    try {
      const response = await fetch(root.dataset.url, { credentials: "same-origin" });
      state = await response.json();
    } catch (error) {
      setTimeout(poll, 5000);
      return;
    }
    bar.style.width = state.percent + "%";
    bar.parentElement.setAttribute("aria-valuenow", state.percent);
    // The sentence is translated on the server: replace its three numbers in order.
    let index = 0;
    const values = [state.done, state.total, state.counts.failed];
    counts.textContent = first.length === 3 ? template.replace(/\d+/g, () => values[index++]) : template;
    errors.replaceChildren(...state.errors.map((e) => {
      const row = document.createElement("tr");
      row.append(cell(e.serial), cell(e.status), cell(e.attempts), cell(e.last_error));
      return row;
    }));
    downloads.hidden = !(state.finished && state.done > 0);
    if (!state.finished) setTimeout(poll, 2000);
  }
  poll();
})();
