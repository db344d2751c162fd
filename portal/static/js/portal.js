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
