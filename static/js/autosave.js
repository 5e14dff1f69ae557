// Autosave of a section form: a few seconds after typing stops, and whenever a field is left.
// Nothing typed is ever lost: until the server confirms a save, the form's content is also kept in
// this browser (localStorage), so a dropped connection or a closed tab can be recovered. When someone
// else saved the section in between, the server answers 409 and the page says so instead of
// overwriting their work.
(function () {
  "use strict";
  var form = document.getElementById("section-form");
  if (!form || !form.dataset.autosaveUrl) return;
  var url = form.dataset.autosaveUrl;
  var status = document.getElementById("save-status");
  var alertBox = document.getElementById("autosave-alert");
  var restoreBox = document.getElementById("restore-alert");
  var storageKey = "smartcity-draft:" + url;
  var DELAY = 3000;
  var timer = null, dirty = false, saving = false, stopped = false, waitingSubmitter = null;

  function say(text) { if (status) status.textContent = text; }
  function csrf() { return form.querySelector("input[name=csrfmiddlewaretoken]").value; }
  function version() { return form.querySelector("input[name=version]"); }
  function entries() {
    var list = [];
    new FormData(form).forEach(function (value, key) {
      if (key !== "csrfmiddlewaretoken" && typeof value === "string") list.push([key, value]);
    });
    return list;
  }
  function keepLocally() {
    try {
      localStorage.setItem(storageKey, JSON.stringify({ version: version().value, at: Date.now(), entries: entries() }));
    } catch (e) { /* storage full or disabled: the server copy is all we have */ }
  }
  function forgetLocally() { try { localStorage.removeItem(storageKey); } catch (e) { /* ignore */ } }
  // The sidebar's badge of this section follows each save, complete or not.
  function showCompleteness(complete) {
    var item = document.querySelector('[data-progress-key="' + form.dataset.sectionKey + '"]');
    if (!item) return;
    var done = item.querySelector('[data-state="complete"]'), todo = item.querySelector('[data-state="incomplete"]');
    if (done) done.classList.toggle("d-none", !complete);
    if (todo) todo.classList.toggle("d-none", complete);
  }

  function changed(event) {
    if (stopped) return;
    // Helpers inside the form that are not content (the province filter box) change nothing to save.
    if (event && event.target && event.target.form === form && !event.target.name) return;
    dirty = true;
    keepLocally();
    say(form.dataset.msgUnsaved);
    clearTimeout(timer);
    timer = setTimeout(save, DELAY);
  }

  function save() {
    clearTimeout(timer);
    if (!dirty || saving || stopped) return;
    saving = true;
    dirty = false;
    say(form.dataset.msgSaving);
    var body = new FormData(form);
    body.delete("action");
    fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf(), "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (data) { return { response: response, data: data }; });
    }).then(function (result) {
      saving = false;
      var data = result.data;
      if (result.response.ok) {
        version().value = data.version;
        showCompleteness(Boolean(data.complete));
        say(data.message);
        if (!dirty) forgetLocally(); else keepLocally();
      } else if (result.response.status === 409) {
        stopped = true;  // never overwrite someone else's save; the text stays in the page and here
        alertBox.textContent = data.message;
        alertBox.classList.remove("d-none");
        say("");
      } else {
        dirty = true;
        say(data.message || form.dataset.msgFailed);
      }
      if (waitingSubmitter) { submitAfterSave(); return; }
      if (dirty && !stopped) timer = setTimeout(save, DELAY);
    }).catch(function () {
      saving = false;
      dirty = true;
      say(form.dataset.msgOffline);
      if (waitingSubmitter) { submitAfterSave(); return; }
      timer = setTimeout(save, 10000);
    });
  }

  // An explicit save clicked while an autosave is on its way waits for it, so that it carries the
  // version that autosave produced instead of conflicting with it.
  function submitAfterSave() {
    var submitter = waitingSubmitter;
    waitingSubmitter = null;
    form.requestSubmit(submitter && submitter.form === form ? submitter : undefined);
  }

  function restore(saved) {
    var queues = {};
    saved.entries.forEach(function (pair) { (queues[pair[0]] = queues[pair[0]] || []).push(pair[1]); });
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken" || el.name === "version" || el.type === "file") return;
      var values = queues[el.name] || [];
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = values.indexOf(el.value) !== -1;
      } else if (el.tagName === "SELECT" && el.multiple) {
        Array.prototype.forEach.call(el.options, function (o) { o.selected = values.indexOf(o.value) !== -1; });
      } else if (values.length) {
        el.value = values.shift();
      }
    });
    changed();
  }

  // Changes kept in this browser from an earlier visit that the server never confirmed.
  try {
    var saved = JSON.parse(localStorage.getItem(storageKey) || "null");
    if (saved && saved.version === version().value && restoreBox) {
      restoreBox.querySelector("span").textContent =
        form.dataset.msgRestore + " (" + new Date(saved.at).toLocaleString() + ")";
      restoreBox.classList.remove("d-none");
      restoreBox.querySelector("[data-restore]").addEventListener("click", function () {
        restore(saved);
        restoreBox.classList.add("d-none");
      });
      restoreBox.querySelector("[data-discard]").addEventListener("click", function () {
        forgetLocally();
        restoreBox.classList.add("d-none");
      });
    } else if (saved) {
      forgetLocally();
    }
  } catch (e) { forgetLocally(); }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("focusout", function () { if (dirty) save(); });
  form.addEventListener("submit", function (event) {
    clearTimeout(timer);
    if (saving) {
      event.preventDefault();
      waitingSubmitter = event.submitter || true;
      return;
    }
    stopped = true;  // the explicit save takes over
    if (form.dataset.sent) { event.preventDefault(); return; }
    form.dataset.sent = "1";
    forgetLocally();
    keepLocally();  // until the server's answer page loads
  });
  window.addEventListener("beforeunload", function (event) {
    if (dirty && !stopped) { event.preventDefault(); event.returnValue = ""; }
  });
})();
