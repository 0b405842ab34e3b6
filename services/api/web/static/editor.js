/* The draft editor, enhanced: a live preview of the Markdown text, and a warning
   before leaving the page with unsaved changes. Without it, the Preview button
   asks the server for the same preview. */
(function () {
  "use strict";
  var form = document.getElementById("editor");
  var body = document.getElementById("field-body");
  var section = document.getElementById("preview");
  var target = document.getElementById("preview-body");
  if (!form || !window.fetch) return;
  var dirty = false;
  var timer = null;

  form.addEventListener("input", function () { dirty = true; });
  form.addEventListener("submit", function () { dirty = false; });
  window.addEventListener("beforeunload", function (event) {
    if (dirty) { event.preventDefault(); event.returnValue = ""; }
  });

  if (!body || !section || !target) return;
  function refresh() {
    var data = new FormData();
    data.append("csrf", form.querySelector("input[name=csrf]").value);
    data.append("body", body.value);
    fetch("/drafts/preview", { method: "POST", body: data, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) {
        // Server-rendered and sanitised (raw HTML is off and nh3 cleans the output).
        target.innerHTML = html;
        section.hidden = false;
      })
      .catch(function () { /* the Preview button still works */ });
  }
  body.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 400);
  });
})();
