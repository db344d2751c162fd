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

// A refusal (4xx) carries its own explanation: a form marked data-swap-refusals shows it in
// place (htmx 2 swaps only 2xx by default), e.g. "二维码已过期" on the check-in page.
document.body.addEventListener("htmx:beforeSwap", function (evt) {
  var status = evt.detail.xhr && evt.detail.xhr.status;
  var elt = (evt.detail.requestConfig && evt.detail.requestConfig.elt) || evt.target;
  if (status >= 400 && status < 500 && elt && elt.closest && elt.closest("[data-swap-refusals]")) {
    evt.detail.shouldSwap = true;
    evt.detail.isError = false;
  }
});
