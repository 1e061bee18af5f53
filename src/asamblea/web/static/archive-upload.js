// Asamblea (AGPL-3.0-or-later): the archive's upload forms send files through tus 1.0 when the
// browser can (the vendored tus-js-client): progress is shown, and a cut connection is resumed
// from the offset the server kept (encrypted), also after the page is reloaded. Without
// JavaScript, or without tus support, the same form is sent as a plain multipart form.
(function () {
  "use strict";
  if (!window.tus || !window.tus.isSupported) return;

  function say(form, key, values) {
    var text = form.getAttribute("data-msg-" + key) || "";
    Object.keys(values || {}).forEach(function (name) {
      text = text.replace("{" + name + "}", values[name]);
    });
    form.querySelector("[data-upload-status]").textContent = text;
  }

  function megabytes(bytes) {
    return (bytes / 1000000).toFixed(1);
  }

  function showReceipt(form, response) {
    var box = document.getElementById(form.getAttribute("data-receipt"));
    if (!box) return;
    ["receipt", "sha256", "holder"].forEach(function (field) {
      var slot = box.querySelector('[data-field="' + field + '"]');
      slot.textContent = response.getHeader("Archive-" + field.charAt(0).toUpperCase() + field.slice(1)) || "";
    });
    form.hidden = true;
    box.hidden = false;
    box.focus();
  }

  function send(form, file) {
    var button = form.querySelector('button[type="submit"]');
    var bar = form.querySelector("progress");
    var headers = {};
    var link = form.getAttribute("data-tus-link");
    if (link) headers["Archive-Intake-Link"] = link;
    else headers["X-CSRF-Token"] = form.querySelector('input[name="csrf_token"]').value;
    var metadata = {filename: file.name || "archivo"};
    var consent = form.querySelector('[name="consent"]');
    if (consent) metadata.consent = consent.value;
    var title = form.querySelector('[name="title"]');
    if (title && title.value.trim()) metadata.title = title.value.trim();
    var upload = new window.tus.Upload(file, {
      endpoint: form.getAttribute("data-tus-endpoint"),
      headers: headers,
      metadata: metadata,
      chunkSize: 8 * 1024 * 1024,
      retryDelays: [0, 1000, 3000, 5000, 10000, 20000, 30000, 60000],
      removeFingerprintOnSuccess: true,
      onProgress: function (sent, total) {
        bar.hidden = false;
        bar.max = total;
        bar.value = sent;
        say(form, "progress", {sent: megabytes(sent), total: megabytes(total)});
      },
      onShouldRetry: function (error, attempt, options) {
        say(form, "retry", {});
        var status = error.originalResponse ? error.originalResponse.getStatus() : 0;
        return status === 0 || status === 409 || status === 423 || status >= 500;
      },
      onError: function (error) {
        var response = error.originalResponse;
        var detail = response ? response.getBody() : "";
        try { detail = JSON.parse(detail).detail || detail; } catch (ignored) { /* not JSON */ }
        say(form, "error", {detail: typeof detail === "string" ? detail.slice(0, 300) : ""});
        button.disabled = false;
      },
      onSuccess: function (payload) {
        say(form, "done", {});
        if (form.getAttribute("data-receipt")) showReceipt(form, payload.lastResponse);
        else window.location.assign(form.getAttribute("data-tus-done"));
      }
    });
    button.disabled = true;
    upload.findPreviousUploads().then(function (previous) {
      if (previous.length) {
        upload.resumeFromPreviousUpload(previous[0]);
        say(form, "resumed", {});
      }
      upload.start();
    });
  }

  function bind(root) {
    root.querySelectorAll("form[data-tus-endpoint]:not([data-bound])").forEach(function (form) {
      form.setAttribute("data-bound", "");
      form.addEventListener("submit", function (event) {
        var input = form.querySelector('input[type="file"]');
        if (!input.files || !input.files.length) return;
        event.preventDefault();
        send(form, input.files[0]);
      });
    });
  }

  bind(document);
  document.addEventListener("htmx:load", function (event) { bind(event.target); });
})();
