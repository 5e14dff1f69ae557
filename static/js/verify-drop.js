// The PDF drop box of /verify/: a file dropped on it is sent to be checked at once. Without this
// script the box is a file field and a button.
(function () {
  const zone = document.getElementById("drop-zone");
  const input = document.getElementById("verify-pdf");
  if (!zone || !input) return;
  const form = input.form;
  ["dragenter", "dragover"].forEach((name) =>
    zone.addEventListener(name, (event) => {
      event.preventDefault();
      zone.classList.add("is-dragging");
    }),
  );
  ["dragleave", "drop"].forEach((name) =>
    zone.addEventListener(name, () => zone.classList.remove("is-dragging")),
  );
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    if (!event.dataTransfer || event.dataTransfer.files.length === 0) return;
    input.files = event.dataTransfer.files;
    form.requestSubmit();
  });
  input.addEventListener("change", () => {
    if (input.files.length) form.requestSubmit();
  });
})();
