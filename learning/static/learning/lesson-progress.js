// Lesson page: tells the server every half minute that the page is still visible (the server measures the
// time itself) and reports how far the lesson's video has been watched. When the server answers that the
// lesson is now done, the status line says so.
(function () {
  "use strict";
  var status = document.getElementById("lesson-status");
  if (!status) return;
  var headers = {};
  try { headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}"); } catch (e) { headers = {}; }

  function post(url, data) {
    var body = new URLSearchParams(data || {});
    return fetch(url, {method: "POST", body: body, credentials: "same-origin",
                       headers: {"X-CSRFToken": headers["X-CSRFToken"] || ""}})
      .then(function (r) { return r.status === 200 ? r.json() : null; })
      .then(function (answer) {
        if (answer && answer.completed && !status.dataset.completed) {
          status.dataset.completed = "1";
          var p = document.createElement("p");
          p.className = "ok";
          p.setAttribute("role", "status");
          p.textContent = status.dataset.doneText;
          status.replaceChildren(p);
        }
      })
      .catch(function () {});
  }

  var beatUrl = status.dataset.heartbeatUrl;
  if (beatUrl) {
    window.setInterval(function () {
      if (document.visibilityState === "visible") post(beatUrl);
    }, 30000);
  }

  // A lesson completed by downloading its file: ask the server shortly after the download starts.
  var download = document.querySelector("a[data-lesson-file]");
  if (download && beatUrl) {
    download.addEventListener("click", function () {
      window.setTimeout(function () { post(beatUrl); }, 2000);
    });
  }

  var video = document.querySelector("video[data-progress-url]");
  if (video) {
    var sent = 0;
    var watched = 0;  // furthest point reached by playing, not by jumping ahead
    var last = 0;
    function report() {
      var now = video.currentTime;
      if (now > last && now - last < 3) watched = Math.max(watched, now);
      last = now;
      if (!video.duration || !isFinite(video.duration)) return;
      // The last "timeupdate" comes a fraction of a second before the end: played to the end is 100 %.
      if (video.ended && video.duration - watched < 3) watched = video.duration;
      var percent = Math.min(100, Math.floor(100 * watched / video.duration));
      if (percent >= sent + 5 || (percent === 100 && sent < 100)) {
        sent = percent;
        post(video.dataset.progressUrl, {percent: String(percent)});
      }
    }
    video.addEventListener("timeupdate", report);
    video.addEventListener("ended", report);
  }
})();
