// Imports can take a while: show that the upload is being worked on, and keep a
// second click from sending the same import twice.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var text = form.getAttribute("data-busy-text");
  if (!text) return;
  var button = form.querySelector("button[type=submit]");
  if (!button) return;
  if (button.getAttribute("aria-busy") === "true") { event.preventDefault(); return; }
  button.setAttribute("aria-busy", "true");
  button.textContent = text;
});
