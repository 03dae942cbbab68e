/* Saves each answer as it is given and shows the server's countdown. The server decides
   everything: this script only sends answers and displays the time left. */
(function () {
  "use strict";
  var bar = document.getElementById("attempt-bar");
  if (!bar) { return; }
  // Answers save by themselves: the "Save answer" buttons are only for a browser without scripts.
  document.documentElement.classList.add("autosave");
  var text = function (key) { return bar.getAttribute("data-text-" + key) || ""; };
  var stateLine = document.getElementById("connection-state");
  var pending = new Map();   // form -> true while a save is waiting or running
  var timers = new Map();
  var submitting = false;

  function csrf(form) { return form.querySelector("input[name=csrfmiddlewaretoken]").value; }
  function hhmmss(date) { return date.toTimeString().slice(0, 8); }

  function save(form, attempt) {
    attempt = attempt || 0;
    pending.set(form, true);
    var status = form.querySelector(".save-state");
    if (status) { status.textContent = text("saving"); }
    return fetch(form.action, {
      method: "POST", body: new URLSearchParams(new FormData(form)), credentials: "same-origin",
      headers: {"Accept": "application/json", "X-CSRFToken": csrf(form)}
    }).then(function (response) {
      return response.json().then(function (body) { return {status: response.status, body: body}; });
    }).then(function (result) {
      pending.delete(form);
      if (result.body.ok) {
        if (status) { status.textContent = text("saved") + " " + hhmmss(new Date(result.body.saved_at)); }
        if (!form.dataset.saved) {
          form.dataset.saved = "1";
          var count = document.getElementById("answered-count");
          if (count && !form.dataset.wasSaved) { count.textContent = String(Number(count.textContent) + 1); }
        }
        stateLine.hidden = true;
      } else {
        if (status) { status.textContent = result.body.message; }
        if (result.body.code === "closed" || result.body.code === "overdue") { window.location.reload(); }
      }
    }).catch(function () {
      stateLine.textContent = text("offline");
      stateLine.hidden = false;
      var delay = Math.min(30000, 1000 * Math.pow(2, attempt));
      return new Promise(function (resolve) { setTimeout(resolve, delay); }).then(function () {
        return save(form, attempt + 1);
      });
    });
  }

  function later(form, wait) {
    clearTimeout(timers.get(form));
    pending.set(form, true);
    timers.set(form, setTimeout(function () { timers.delete(form); save(form); }, wait));
  }

  function flush() {
    var waits = [];
    timers.forEach(function (timer, form) { clearTimeout(timer); waits.push(save(form)); });
    timers.clear();
    return Promise.race([Promise.all(waits), new Promise(function (r) { setTimeout(r, 5000); })]);
  }

  document.querySelectorAll("form.answer-form").forEach(function (form) {
    if (form.querySelector(".save-state") && form.querySelector(".save-state").textContent.trim()) {
      form.dataset.saved = "1"; form.dataset.wasSaved = "1";
    }
    form.addEventListener("change", function (event) {
      later(form, event.target.matches("input[type=text], textarea") ? 0 : 0);
    });
    form.addEventListener("input", function (event) {
      if (event.target.matches("input[type=text], textarea")) { later(form, 800); }
    });
    form.addEventListener("submit", function (event) { event.preventDefault(); clearTimeout(timers.get(form)); save(form); });
  });

  var submitForm = document.getElementById("submit-form");
  if (submitForm) {
    submitForm.addEventListener("submit", function (event) {
      if (submitting) { return; }
      event.preventDefault();
      if (!window.confirm(text("confirm"))) { return; }
      submitting = true;
      flush().then(function () { submitForm.submit(); });
    });
  }

  window.addEventListener("beforeunload", function (event) {
    if (!submitting && (timers.size || pending.size)) { flush(); event.preventDefault(); }
  });

  var deadline = bar.getAttribute("data-deadline");
  var countdown = document.getElementById("countdown");
  if (deadline && countdown) {
    var offset = new Date(bar.getAttribute("data-now")).getTime() - Date.now();
    var end = new Date(deadline).getTime();
    var tick = function () {
      var left = Math.max(0, Math.round((end - (Date.now() + offset)) / 1000));
      var h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
      countdown.textContent = (h ? h + ":" : "") + String(m).padStart(2, "0") + ":" + String(s).padStart(2, "0");
      if (left <= 60) { countdown.className = "error"; }
      if (left === 0 && !submitting) {
        submitting = true;
        stateLine.textContent = text("over");
        stateLine.hidden = false;
        document.querySelectorAll("fieldset.answer").forEach(function (f) { f.disabled = true; });
        flush().then(function () { submitForm.submit(); });
        return;
      }
      setTimeout(tick, 1000);
    };
    tick();
  }
})();
