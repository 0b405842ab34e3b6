/* The draft editor, enhanced: a live preview of the Markdown text, a button per
   attached file that puts it in the text at the cursor, and a warning
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

  // Each attached file's button places it at the cursor: a photo as an image, other
  // files (recordings, documents) as a link.
  var cursor = { start: body ? body.value.length : 0, end: body ? body.value.length : 0 };
  if (body) {
    ["keyup", "click", "select", "input"].forEach(function (name) {
      body.addEventListener(name, function () {
        cursor = { start: body.selectionStart, end: body.selectionEnd };
      });
    });
    Array.prototype.forEach.call(document.querySelectorAll("button[data-insert]"), function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var label = button.getAttribute("data-insert-label").replace(/[\[\]]/g, "");
        var link = "[" + label + "](media:" + button.getAttribute("data-insert") + ")";
        var markdown = button.getAttribute("data-insert-kind") === "image" ? "!" + link : link;
        body.value = body.value.slice(0, cursor.start) + markdown + body.value.slice(cursor.end);
        cursor.start = cursor.end = cursor.start + markdown.length;
        body.focus();
        body.setSelectionRange(cursor.start, cursor.end);
        body.dispatchEvent(new Event("input", { bubbles: true }));
      });
    });
  }

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
