/* Autosave of the site report draft. Changes are sent to the form's data-autosave-url a
   moment after the coordinator stops typing, and before the page is left. Files are not
   sent: they upload with "Save draft" or "Submit report". The server checks everything
   again; this only keeps typed text from being lost. */
(function () {
  "use strict";

  var form = document.querySelector("form[data-autosave-url]");
  if (!form) { return; }
  var status = form.querySelector("[data-autosave-status]");
  var url = form.getAttribute("data-autosave-url");
  var timer = null;
  var dirty = false;
  var busy = false;

  function payload() {
    var data = new FormData(form);
    data.delete("attachment");
    data.delete("action");
    return data;
  }

  function say(text) { if (status) { status.textContent = text; } }

  function save() {
    timer = null;
    if (!dirty || busy) { return; }
    dirty = false;
    busy = true;
    say("Saving draft…");
    fetch(url, {
      method: "POST",
      body: payload(),
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (response) {
      return response.json().then(function (body) {
        if (response.ok && body.saved) {
          say("Draft saved at " + body.saved_at + ".");
        } else {
          dirty = true;
          say("Not saved yet: use Save draft to see what needs fixing.");
        }
      });
    }).catch(function () {
      dirty = true;
      say("Could not reach the server; your text is still here. Try Save draft.");
    }).then(function () {
      busy = false;
      if (dirty && !timer) { timer = window.setTimeout(save, 5000); }
    });
  }

  function changed(event) {
    if (event.target && event.target.type === "file") { return; }
    dirty = true;
    if (timer) { window.clearTimeout(timer); }
    timer = window.setTimeout(save, 1200);
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", function () {
    dirty = false;
    if (timer) { window.clearTimeout(timer); timer = null; }
  });
  window.addEventListener("pagehide", function () {
    if (dirty && navigator.sendBeacon) { navigator.sendBeacon(url, payload()); }
  });
})();
