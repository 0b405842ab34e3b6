/* Guided capture, enhanced for a phone on a poor connection.

   What the partner types, and the photos and recordings they add, are kept in this
   browser (the text in localStorage, the files in IndexedDB) and sent when the
   connection allows, in order: the draft is created (once: the server keys it by
   this capture's nonce), each file is declared, sent in pieces that resume from
   the offset the server holds, and completed (a repeat attaches nothing more),
   then the text is written (a repeat changes nothing) and, if asked, submitted.
   The page says how many changes are waiting. Without this script the page is a
   plain form that sends everything at once. */
(function () {
  "use strict";
  var form = document.getElementById("capture");
  if (!form || !window.fetch || !window.localStorage || !window.indexedDB || !window.crypto || !crypto.subtle) return;
  var M = JSON.parse(form.dataset.messages || "{}");
  var statusBox = document.getElementById("capture-status");
  var csrf = form.querySelector("input[name=csrf]").value;
  var PIECE = 256 * 1024;
  var PREFIX = "commonplace:capture:";
  var busy = false, offline = false, retryTimer = null, typingTimer = null, lastField = null;
  var current = null;  // the upload being sent, if a file is

  function say(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_m, name) { return String(values[name]); });
  }

  // -- the capture kept in the browser ------------------------------------------
  var state = load();
  var standing = state.restored ? M.restored : "";  // said until those changes are sent

  function fresh() {
    return { nonce: form.dataset.nonce, kind: form.dataset.kind, id: form.dataset.id || null,
             version: parseInt(form.dataset.version || "0", 10), title: "", answers: {},
             dirty: false, inflight: null, submit: false, uploads: [], map: {} };
  }
  function load() {
    var key = form.dataset.id || localStorage.getItem(PREFIX + "new:" + form.dataset.kind) || form.dataset.nonce;
    var found = null;
    try { found = JSON.parse(localStorage.getItem(PREFIX + key) || "null"); } catch (e) { found = null; }
    if (found && !form.dataset.id && found.id) found = null;  // that capture is a draft now
    if (found && (found.dirty || found.submit || pendingUploads(found).length)) {
      form.querySelector("input[name=nonce]").value = found.nonce;
      return Object.assign(found, { restored: true });
    }
    var made = fresh();
    readFields(made);
    return made;
  }
  function save() {
    var key = state.id || state.nonce;
    localStorage.setItem(PREFIX + key, JSON.stringify(state));
    var pointer = PREFIX + "new:" + state.kind;
    if (state.id) {
      if (localStorage.getItem(pointer) === state.nonce) localStorage.removeItem(pointer);
      if (key !== state.nonce) localStorage.removeItem(PREFIX + state.nonce);
    } else {
      localStorage.setItem(pointer, state.nonce);
    }
  }
  function pendingUploads(s) { return (s.uploads || []).filter(function (u) { return !u.done; }); }
  function pending() {
    return pendingUploads(state).length + (state.dirty ? 1 : 0) + (state.submit ? 1 : 0);
  }

  function fields() { return form.querySelectorAll("textarea[data-answer]"); }
  function readFields(s) {
    s.title = form.elements.title.value;
    fields().forEach(function (f) { s.answers[f.dataset.answer] = f.value; });
  }
  function writeFields() {
    form.elements.title.value = state.title || "";
    fields().forEach(function (f) { f.value = state.answers[f.dataset.answer] || ""; });
  }

  // -- files kept in IndexedDB ---------------------------------------------------
  function db() {
    return new Promise(function (resolve, reject) {
      var open = indexedDB.open("commonplace-capture", 1);
      open.onupgradeneeded = function () { open.result.createObjectStore("blobs"); };
      open.onsuccess = function () { resolve(open.result); };
      open.onerror = function () { reject(open.error); };
    });
  }
  function blobs(mode, act) {
    return db().then(function (base) {
      return new Promise(function (resolve, reject) {
        var request = act(base.transaction("blobs", mode).objectStore("blobs"));
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { reject(request.error); };
      });
    });
  }
  function keep(local, blob) { return blobs("readwrite", function (s) { return s.put(blob, local); }); }
  function fetchBlob(local) { return blobs("readonly", function (s) { return s.get(local); }); }
  function forget(local) { return blobs("readwrite", function (s) { return s.delete(local); }); }

  function sha256(blob) {
    return blob.arrayBuffer().then(function (bytes) { return crypto.subtle.digest("SHA-256", bytes); })
      .then(function (digest) {
        return Array.prototype.map.call(new Uint8Array(digest), function (b) {
          return ("0" + b.toString(16)).slice(-2);
        }).join("");
      });
  }

  // -- what the page shows -------------------------------------------------------
  function show(text) {
    if (!text && standing) text = standing;
    var count = pending();
    var parts = [];
    if (text) parts.push(text);
    if (count) parts.push(say(count === 1 ? M.pending_one : M.pending_other, { num: count }) + ".");
    else if (!text) parts.push(M.all_sent);
    if (offline && count) parts.push(M.offline);
    statusBox.textContent = parts.join(" ");
    statusBox.hidden = false;
    statusBox.dataset.pending = String(count);
  }

  // -- sending -------------------------------------------------------------------
  function Refused(status, detail) { this.status = status; this.detail = detail; }
  function send(url, options) {
    options.headers = Object.assign({ "X-CSRF-Token": csrf, "Accept": "application/json" }, options.headers || {});
    options.credentials = "same-origin";
    return fetch(url, options).catch(function (error) { offline = true; throw error; });
  }
  function json(url, body) {
    return send(url, { method: "POST", body: JSON.stringify(body), headers: { "Content-Type": "application/json" } })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          if (!response.ok) throw new Refused(response.status, data.detail || String(response.status));
          return data;
        });
      });
  }
  function resolved(text) {
    return String(text || "").replace(/media:local-([\w-]+)/g, function (whole, local) {
      return state.map[local] ? "media:" + state.map[local] : whole;
    });
  }
  function resolveAll() {
    Object.keys(state.answers).forEach(function (k) { state.answers[k] = resolved(state.answers[k]); });
    fields().forEach(function (f) { f.value = resolved(f.value); });
  }

  function sendText(submit) {
    var answers = {};
    Object.keys(state.answers).forEach(function (k) { answers[k] = resolved(state.answers[k]); });
    var body = { nonce: state.nonce, kind: state.kind, id: state.id, base_version: state.version,
                 title: state.title, answers: answers, submit: !!submit };
    if (state.inflight) { body.last_title = state.inflight.title; body.last_answers = state.inflight.answers; }
    var snapshot = JSON.stringify([state.title, state.answers]);
    state.inflight = { title: body.title, answers: answers };
    save();
    return json("/capture/sync", body).then(function (data) {
      state.inflight = null;
      state.id = data.id;
      state.version = data.version;
      if (JSON.stringify([state.title, state.answers]) === snapshot) state.dirty = false;
      if (submit) state.submit = false;
      save();
      adopt(data);
      return submit;
    }, function (error) {
      if (error instanceof Refused) { state.inflight = null; save(); }
      throw error;
    });
  }

  function adopt(data) {
    form.dataset.id = data.id;
    form.action = "/capture/" + data.id;
    form.elements.version.value = data.version;
    document.getElementById("full-editor-link").href = "/drafts/" + data.id + "/edit";
    document.getElementById("full-editor").hidden = false;
    var kinds = document.querySelector(".capture-kinds");
    if (kinds) kinds.hidden = true;  // the kind is chosen once the draft exists
    if (location.pathname !== "/capture/" + data.id) history.replaceState(null, "", "/capture/" + data.id);
  }

  function sendUpload(u) {
    var start = u.mediaId ? Promise.resolve() : json("/capture/" + state.id + "/media", {
      filename: u.filename, content_type: u.contentType, size: u.size, sha256: u.sha256,
      alt: u.alt, caption: "", describes: u.describes || state.map[u.describesLocal] || null
    }).then(function (data) { u.mediaId = data.media_id; save(); });
    var url = function () { return "/capture/media/" + u.mediaId + "/content"; };
    return start.then(function () {
      return send(url(), { method: "HEAD" });
    }).then(function (response) {
      if (response.status === 409) return null;  // already complete
      if (!response.ok) throw new Refused(response.status, String(response.status));
      var offset = parseInt(response.headers.get("Upload-Offset") || "0", 10);
      return fetchBlob(u.local).then(function (blob) { return pieces(u, blob, offset); });
    }).then(function () {
      return json("/capture/media/" + u.mediaId + "/complete", {});
    }).then(function (data) {
      u.done = true;
      state.map[u.local] = u.mediaId;
      state.version = data.version;
      var before = JSON.stringify(state.answers);
      resolveAll();
      if (JSON.stringify(state.answers) !== before) state.dirty = true;
      save();
      markSent(u);
      return forget(u.local);
    });
  }

  function pieces(u, blob, offset) {
    if (!blob || offset >= u.size) return Promise.resolve();
    var piece = blob.slice(offset, Math.min(offset + PIECE, u.size));
    return send("/capture/media/" + u.mediaId + "/content", {
      method: "PATCH", body: piece,
      headers: { "Content-Type": "application/offset+octet-stream", "Upload-Offset": String(offset) }
    }).then(function (response) {
      if (response.ok || response.status === 409) {
        var held = parseInt(response.headers.get("Upload-Offset") || "", 10);
        if (response.ok && !isNaN(held)) return pieces(u, blob, held);
        return response.json().then(function (problem) {
          if (typeof problem.offset !== "number") throw new Refused(409, problem.detail);
          return pieces(u, blob, problem.offset);
        });
      }
      return response.json().catch(function () { return {}; }).then(function (problem) {
        throw new Refused(response.status, problem.detail || String(response.status));
      });
    });
  }

  function next() {
    current = null;
    if (!state.id) return sendText(false);
    var upload = pendingUploads(state).find(function (u) {
      return u.type !== "transcript" || u.describes || state.map[u.describesLocal];
    });
    current = upload || null;
    if (upload) return sendUpload(upload);
    if (state.dirty || state.submit) return sendText(state.submit);
    return null;
  }

  function pump() {
    if (busy) return;
    busy = true;
    window.clearTimeout(retryTimer);
    show(M.sending);
    var step = function (said) {
      var work = next();
      if (!work) {
        busy = false;
        offline = false;
        standing = "";
        show(said === true ? M.submitted : "");
        return;
      }
      work.then(step, function (error) {
        busy = false;
        if (error instanceof Refused) {
          if (error.status === 412) { show(M.conflict); return; }
          if (current) { current.done = true; current.failed = true; save(); }  // not sent again
          show(say(M.refused, { detail: error.detail }));
          return;
        }
        offline = true;
        show("");
        retryTimer = window.setTimeout(pump, 5000);
      });
    };
    offline = false;
    step(false);
  }
  window.addEventListener("online", function () { offline = false; pump(); });
  window.addEventListener("offline", function () { offline = true; show(""); });

  // -- typing, photos, recordings ---------------------------------------------------
  form.addEventListener("input", function (event) {
    var target = event.target;
    if (target.name !== "title" && !target.dataset.answer) return;
    readFields(state);
    state.dirty = true;
    save();
    show("");
    window.clearTimeout(typingTimer);
    typingTimer = window.setTimeout(pump, 1500);
  });
  fields().forEach(function (f) { f.addEventListener("focus", function () { lastField = f; }); });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    readFields(state);
    state.dirty = true;
    if (event.submitter && event.submitter.value === "submit") state.submit = true;
    save();
    pump();
  });

  function insert(markdown) {
    var target = lastField || fields()[0];
    var start = target.selectionStart || 0, end = target.selectionEnd || 0;
    target.value = target.value.slice(0, start) + markdown + target.value.slice(end);
    target.focus();
    target.selectionStart = target.selectionEnd = start + markdown.length;
    target.dispatchEvent(new Event("input", { bubbles: true }));
    show(M.inserted);
  }
  function listItem(kind, name, reference, sent) {
    var list = document.getElementById("captured-list");
    var empty = document.getElementById("captured-empty");
    if (empty) empty.hidden = true;
    var item = document.createElement("li");
    var label = document.createElement("span");
    label.textContent = name;
    var marker = document.createElement("span");
    marker.className = "muted capture-state";
    marker.textContent = sent ? "" : " — " + M.waiting;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "secondary small";
    button.textContent = M.insert;
    var hidden = document.createElement("span");
    hidden.className = "visually-hidden";
    hidden.textContent = "“" + name + "”";  // read after the visible words, as its own part
    button.appendChild(hidden);
    button.addEventListener("click", function () {
      var id = item.dataset.media ? item.dataset.media : "local-" + reference;
      var text = name.replace(/[\[\]]/g, "");
      insert(kind === "image" ? "![" + text + "](media:" + id + ")" : "[" + text + "](media:" + id + ")");
    });
    item.dataset.local = reference;
    item.append(label, marker, " ", button);
    list.appendChild(item);
    return item;
  }
  function markSent(u) {
    var item = document.querySelector('#captured-list li[data-local="' + u.local + '"]');
    if (!item) return;
    item.dataset.media = u.mediaId;
    item.querySelector(".capture-state").textContent = " — " + M.sent;
  }
  document.querySelectorAll("#captured-list li[data-media]").forEach(function (item) {
    item.querySelectorAll(".muted").forEach(function (n) { n.remove(); });
    var made = listItem(item.dataset.mediaKind, item.dataset.alt, item.dataset.media, true);
    made.dataset.media = item.dataset.media;
    item.replaceWith(made);
  });

  function local() { return Date.now().toString(36) + Math.random().toString(36).slice(2, 8); }
  function enqueue(type, blob, filename, alt, extra) {
    var u = Object.assign({ local: local(), type: type, filename: filename, contentType: blob.type.split(";")[0],
                            size: blob.size, alt: alt, done: false }, extra || {});
    return Promise.all([sha256(blob), keep(u.local, blob)]).then(function (found) {
      u.sha256 = found[0];
      state.uploads.push(u);
      save();
      return u;
    });
  }

  var file = document.getElementById("capture-file");
  var alt = document.getElementById("capture-alt");
  var addPhoto = document.getElementById("add-photo");
  var altError = document.createElement("p");
  altError.id = "capture-alt-error";
  altError.className = "field-error";
  altError.hidden = true;
  alt.parentNode.appendChild(altError);
  addPhoto.hidden = false;
  file.addEventListener("change", function () { if (file.files.length) alt.focus(); });
  addPhoto.addEventListener("click", function () {
    var photo = file.files[0];
    var text = alt.value.trim();
    if (!photo || !text) {
      altError.textContent = photo ? M.needs_alt : M.no_photo;
      altError.hidden = false;
      (photo ? alt : file).setAttribute("aria-invalid", "true");
      (photo ? alt : file).setAttribute("aria-describedby", altError.id);
      (photo ? alt : file).focus();
      return;
    }
    altError.hidden = true;
    alt.removeAttribute("aria-invalid");
    file.removeAttribute("aria-invalid");
    enqueue("image", photo, photo.name || "photo.jpg", text).then(function (u) {
      listItem("image", text, u.local, false);
      file.value = "";
      alt.value = "";
      show(M.photo_kept);
      pump();
    });
  });

  // Recording needs MediaRecorder; without it the fieldset stays hidden.
  var audio = document.getElementById("capture-audio");
  var record = document.getElementById("record");
  var addRecording = document.getElementById("add-recording");
  var label = document.getElementById("capture-audio-label");
  var transcript = document.getElementById("capture-transcript");
  var recorder = null, recorded = null, count = 0;
  if (window.MediaRecorder && navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
    audio.hidden = false;
    record.addEventListener("click", function () {
      if (recorder && recorder.state === "recording") { recorder.stop(); return; }
      navigator.mediaDevices.getUserMedia({ audio: true }).then(function (stream) {
        var types = ["audio/webm;codecs=opus", "audio/webm", "audio/ogg;codecs=opus", "audio/mp4"];
        var type = types.find(function (t) { return MediaRecorder.isTypeSupported(t); }) || "";
        var chunks = [];
        recorder = new MediaRecorder(stream, type ? { mimeType: type } : {});
        recorder.ondataavailable = function (e) { if (e.data.size) chunks.push(e.data); };
        recorder.onstop = function () {
          stream.getTracks().forEach(function (t) { t.stop(); });
          recorded = new Blob(chunks, { type: (recorder.mimeType || type || "audio/webm").split(";")[0] });
          record.textContent = M.record;
          record.setAttribute("aria-pressed", "false");
          addRecording.disabled = false;
          count += 1;
          if (!label.value) label.value = say(M.recording_label, { n: count });
          show("");
        };
        recorder.start();
        record.textContent = M.stop;
        record.setAttribute("aria-pressed", "true");
        show(M.recording);
      }, function () { show(M.no_microphone); });
    });
    addRecording.addEventListener("click", function () {
      if (!recorded) return;
      var name = label.value.trim() || say(M.recording_label, { n: count });
      var extension = { "audio/ogg": "ogg", "audio/mp4": "m4a" }[recorded.type] || "webm";
      var words = transcript.value.trim();
      enqueue("audio", recorded, "recording-" + count + "." + extension, name).then(function (u) {
        listItem("audio", name, u.local, false);
        var next = words ? enqueue("transcript", new Blob([words], { type: "text/plain" }),
                                   "transcript-" + count + ".txt", name, { describesLocal: u.local })
                         : Promise.resolve();
        return next;
      }).then(function () {
        recorded = null;
        addRecording.disabled = true;
        label.value = "";
        transcript.value = "";
        show(M.recording_kept);
        pump();
      });
    });
  }

  if (state.restored) {
    writeFields();
    pendingUploads(state).forEach(function (u) { if (u.type !== "transcript") listItem(u.type, u.alt, u.local, false); });
    show("");
  }
  if (pending() && (state.id || state.dirty || state.uploads.length)) pump();
})();
