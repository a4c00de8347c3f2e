// Job progress: while the analysis is queued or running, show its progress every second;
// reload the page when it is done.
(function () {
  "use strict";
  if (!document.querySelector('meta[name="thrustlab-poll"]')) return;
  var tries = 0;
  function poll() {
    tries += 1;
    if (tries > 600) return; // give up after about ten minutes
    fetch(window.location.href, { headers: { Accept: "text/html" }, credentials: "same-origin" })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var job = doc.getElementById("job");
        if (job && job.dataset.status !== "queued" && job.dataset.status !== "running") {
          window.location.reload();
        } else {
          var shown = document.getElementById("job");
          if (job && shown) shown.replaceWith(document.adoptNode(job)); // the progress so far
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () { window.setTimeout(poll, 2000); });
  }
  window.setTimeout(poll, 1000);
})();

// The report is part of the page: its frame grows to the report's own height (same origin),
// and follows it when the width changes (a phone turned, a window resized).
(function () {
  "use strict";
  var frame = document.querySelector("iframe.report");
  if (!frame) return;
  function fit() {
    // the report's own height (its html box), not the frame's: it may shrink as well as grow
    var doc = frame.contentDocument;
    if (doc && doc.documentElement) {
      frame.style.height = Math.ceil(doc.documentElement.getBoundingClientRect().height) + "px";
    }
  }
  frame.addEventListener("load", function () {
    fit();
    var doc = frame.contentDocument;
    if (doc && doc.body && window.ResizeObserver) new ResizeObserver(fit).observe(doc.body);
  });
  window.addEventListener("resize", fit);
  fit();
})();

// A button with data-confirm (delete a set, leave a team) asks before its form is sent.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-confirm]") : null;
    if (button && !window.confirm(button.getAttribute("data-confirm"))) event.preventDefault();
  });
})();
