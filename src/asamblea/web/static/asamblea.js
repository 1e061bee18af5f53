// Asamblea (AGPL-3.0-or-later): while a form is being sent, its button is disabled and marked
// busy, so that a slow link shows progress and a second tap cannot send it twice. Without
// JavaScript nothing changes: the form is sent as usual.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (!button || button.form !== event.target) return;
    // A form a script handles itself (the encrypted ballot) stays on the page: not busy.
    if (event.target.hasAttribute("data-scripted")) return;
    // After the browser (or htmx) has read the form, which includes the pressed button.
    window.setTimeout(function () {
      button.disabled = true;
      button.setAttribute("aria-busy", "true");
    }, 0);
  });
  function release() {
    document.querySelectorAll('button[aria-busy="true"]').forEach(function (button) {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    });
  }
  // A page brought back by the Back button, or a request that failed without a new page.
  window.addEventListener("pageshow", release);
  document.addEventListener("htmx:sendError", release);
  document.addEventListener("htmx:timeout", release);
})();
