/* Shows the convening packet's progress while a worker builds it, by polling the status
   URL; the download link appears when it is ready. Without JavaScript, reload the page. */
(function () {
  "use strict";

  var box = document.querySelector("[data-packet][data-status-url]");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  var bar = box.querySelector("[data-packet-progress]");
  var label = box.querySelector("[data-packet-label]");
  var step = box.querySelector("[data-packet-step]");
  var download = box.querySelector("[data-packet-download]");

  function poll() {
    fetch(url, { credentials: "same-origin" }).then(function (response) {
      return response.json();
    }).then(function (body) {
      if (bar) { bar.value = body.progress; bar.textContent = body.progress + "%"; }
      if (label) { label.textContent = body.label; }
      if (step) { step.textContent = body.step; }
      if (body.status === "done" && download) { download.hidden = false; }
      if (!body.done) { window.setTimeout(poll, 1000); }
    }).catch(function () { window.setTimeout(poll, 3000); });
  }

  poll();
})();
