// Shows HX-Trigger "toast" events in the live region; no inline scripts (CSP).
document.body.addEventListener("toast", function (evt) {
  var box = document.getElementById("toast");
  if (!box || !evt.detail) return;
  var p = document.createElement("p");
  p.className = "flash flash-" + (evt.detail.level || "success");
  p.textContent = evt.detail.message || "";
  box.replaceChildren(p);
  window.clearTimeout(box._timer);
  box._timer = window.setTimeout(function () { box.replaceChildren(); }, 4000);
});

// A live-validated field's error was swapped in: mark the field invalid (or valid again).
document.body.addEventListener("htmx:afterSettle", function (evt) {
  var id = evt.detail.target && evt.detail.target.id;
  if (!id || id.slice(-6) !== "-error") return;
  // outerHTML swaps replace the element: look the new one up by its id.
  var error = document.getElementById(id);
  if (!error) return;
  var field = document.querySelector('[aria-describedby~="' + error.id + '"]');
  if (!field) return;
  if (error.textContent.trim()) field.setAttribute("aria-invalid", "true");
  else field.removeAttribute("aria-invalid");
});
