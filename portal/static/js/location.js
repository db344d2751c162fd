// AP-P1: the browser's position for a session that checks locations. Forms marked
// data-geolocate get it into their hidden latitude/longitude/accuracy fields: "page" asks
// when the page opens (the trainee's check-in), "submit" asks on the tap (the teacher turning
// the check on). A tap waits a few seconds for the position, then goes anyway: without one
// the check-in is flagged, never refused. No inline script (CSP).
(function () {
  if (window.portalLocation) return;  // included once per form: run once per page
  window.portalLocation = true;
  var WAIT_MS = 6000;

  function status(form, text) {
    var note = form.querySelector("[data-location-status]");
    if (note && text) note.textContent = text;
  }

  function locate(form) {
    if (form._locating) return form._locating;
    form._locating = new Promise(function (resolve) {
      if (!navigator.geolocation) { status(form, "此浏览器无法提供位置，签到将标记为未提供位置。"); resolve(); return; }
      navigator.geolocation.getCurrentPosition(function (pos) {
        form.elements.latitude.value = pos.coords.latitude;
        form.elements.longitude.value = pos.coords.longitude;
        form.elements.accuracy.value = Math.round(pos.coords.accuracy);
        status(form, "已获取位置（精度约 " + Math.round(pos.coords.accuracy) + " 米）。");
        resolve();
      }, function () {
        status(form, "未能获取位置，签到将标记为未提供位置。");
        resolve();
      }, {enableHighAccuracy: true, timeout: WAIT_MS, maximumAge: 60000});
    });
    return form._locating;
  }

  function within(promise, ms) {
    return Promise.race([promise, new Promise(function (r) { window.setTimeout(r, ms); })]);
  }

  document.querySelectorAll('form[data-geolocate="page"]').forEach(locate);

  // Capture phase: ahead of htmx's own submit listener on the form.
  document.addEventListener("submit", function (evt) {
    var form = evt.target;
    if (!form.matches || !form.matches("form[data-geolocate]") || form._located) return;
    evt.preventDefault();
    evt.stopImmediatePropagation();
    within(locate(form), WAIT_MS + 500).then(function () {
      form._located = true;
      // Out of this submit event first: a form ignores requestSubmit() while it fires one.
      window.setTimeout(function () {
        if (form.requestSubmit) form.requestSubmit(); else form.submit();
      }, 0);
    });
  }, true);
})();
