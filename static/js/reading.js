// The application reading in the admin: a PDF attachment's preview is put in when the reader opens it.
(function () {
  "use strict";
  document.addEventListener("toggle", function (event) {
    var details = event.target;
    if (!details.matches || !details.matches(".reading-preview-toggle") || !details.open) return;
    if (details.querySelector("object")) return;
    var viewer = document.createElement("object");
    viewer.className = "reading-preview";
    viewer.type = "application/pdf";
    viewer.data = details.dataset.previewSrc;
    viewer.setAttribute("aria-label", details.dataset.previewTitle);
    // A browser without a PDF viewer shows the object's content: the download link.
    viewer.appendChild(details.querySelector(".reading-preview-fallback").cloneNode(true));
    details.appendChild(viewer);
  }, true);
})();
