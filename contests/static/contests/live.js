/* Live final: the projector (data-role="host") and a contestant's device (data-role="play").
   The server decides everything and keeps the round; this script only draws what the socket says,
   sends the host's "next" and the contestant's answer, and reconnects by itself with a growing
   delay. On every (re)connection the server sends the whole current state. */
(function () {
  "use strict";
  var root = document.getElementById("live");
  if (!root) { return; }
  var role = root.getAttribute("data-role");
  var stage = document.getElementById("live-stage");
  var statusLine = document.getElementById("live-status");
  var notice = document.getElementById("live-notice");
  var nextButton = document.getElementById("live-next");
  var lobby = document.getElementById("live-lobby");
  var you = document.getElementById("live-you");
  var socket = null, retries = 0, timer = null;
  var current = {phase: "lobby", index: -1};
  var pending = null;   // {index, answer} sent but not yet acknowledged

  function t(key) { return root.getAttribute("data-text-" + key) || key; }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  function clear(node) { while (node && node.firstChild) { node.removeChild(node.firstChild); } }
  function html(node, markup) { node.innerHTML = markup; return node; }  // server-cleaned question HTML
  function showNotice(message) { if (notice) { notice.textContent = message || ""; notice.hidden = !message; } }
  function send(data) {
    if (socket && socket.readyState === 1) { socket.send(JSON.stringify(data)); return true; }
    return false;
  }

  // ------------------------------------------------------------- connection
  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + root.getAttribute("data-socket"));
    statusLine.textContent = retries ? t("reconnecting") : t("connecting");
    socket.onopen = function () { retries = 0; statusLine.textContent = t("connected"); };
    socket.onmessage = function (event) { handle(JSON.parse(event.data)); };
    socket.onclose = function (event) {
      stopTimer();
      if (event.code === 4403) { window.location.reload(); return; }
      statusLine.textContent = t("reconnecting");
      var delay = Math.min(15000, 500 * Math.pow(2, retries)) + Math.floor(Math.random() * 500);
      retries += 1;
      setTimeout(connect, delay);
    };
  }

  // ------------------------------------------------------------- countdown
  function stopTimer() { if (timer) { clearInterval(timer); timer = null; } }
  function countdown(readMs, answerMs, onOpen, onClose) {
    stopTimer();
    var start = Date.now();
    var clock = el("p", "live-clock");
    clock.setAttribute("role", "timer");
    var opened = false;
    function tick() {
      var gone = Date.now() - start;
      if (gone < readMs) { clock.textContent = t("get-ready"); return; }
      if (!opened) { opened = true; if (onOpen) { onOpen(); } }
      var left = Math.max(0, Math.ceil((answerMs - gone) / 1000));
      clock.textContent = left > 0 ? left + " " + t("seconds") : t("time-up");
      if (left <= 0) { stopTimer(); if (onClose) { onClose(); } }
    }
    tick();
    timer = setInterval(tick, 250);
    return clock;
  }

  // ------------------------------------------------------------- drawing
  function heading(message) {
    return el("p", "live-number", t("question") + " " + (message.index + 1) + " " + t("of") + " " + message.total);
  }

  function drawQuestion(message, answered) {
    current = {phase: message.read_ms > 0 ? "reading" : "answering", index: message.index};
    clear(stage);
    if (lobby) { lobby.hidden = true; }
    if (you) { you.textContent = ""; }
    stage.appendChild(heading(message));
    stage.appendChild(html(el("div", "live-question"), message.question.text));
    var form = role === "play" ? answerForm(message, answered) : choiceList(message.question);
    var clock = countdown(message.read_ms, message.answer_ms, function () {
      current.phase = "answering";
      if (form && form.enable) { form.enable(); }
    }, function () {
      if (form && form.disable) { form.disable(); }
      if (role === "host") { setTimeout(function () { if (current.phase === "answering") { next(); } }, 300); }
    });
    stage.insertBefore(clock, stage.childNodes[1]);
    if (role === "host") {
      stage.appendChild(el("p", "live-answers", "")).id = "live-answers";
      updateAnswers(message.answers || 0);
      setButton(t("reveal"));
    }
    if (form) { stage.appendChild(form); }
  }

  function choiceList(question) {
    if (!question.choices) { return null; }
    var list = el("ol", "live-choices");
    question.choices.forEach(function (choice, i) {
      list.appendChild(html(el("li", "live-choice c" + (i % 4)), choice.html));
    });
    return list;
  }

  function answerForm(message, answered) {
    var question = message.question;
    var form = el("form", "live-answer");
    var state = el("p", "live-answer-state");
    state.setAttribute("role", "status");
    var controls = [];
    function submit(answer) {
      pending = {index: message.index, answer: answer};
      controls.forEach(function (c) { c.disabled = true; });
      state.textContent = t("sent");
      send({action: "answer", index: message.index, answer: answer});
    }
    if (question.kind === "single" || question.kind === "truefalse") {
      question.choices.forEach(function (choice, i) {
        var button = html(el("button", "live-choice c" + (i % 4)), choice.html);
        button.type = "button";
        button.addEventListener("click", function () { submit({choice: choice.id}); });
        controls.push(button);
        form.appendChild(button);
      });
    } else if (question.kind === "multiple") {
      question.choices.forEach(function (choice, i) {
        var label = el("label", "live-choice c" + (i % 4));
        var box = el("input");
        box.type = "checkbox";
        box.value = choice.id;
        label.appendChild(box);
        label.appendChild(html(el("span"), choice.html));
        controls.push(box);
        form.appendChild(label);
      });
    } else {
      var label = el("label", "", t("type-number"));
      var input = el("input", "live-number-input");
      input.inputMode = "decimal";
      input.autocomplete = "off";
      label.appendChild(input);
      controls.push(input);
      form.appendChild(label);
    }
    if (question.kind === "multiple" || question.kind === "numerical") {
      var go = el("button", "btn", t("send"));
      go.type = "submit";
      controls.push(go);
      form.appendChild(go);
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (question.kind === "multiple") {
        var picked = controls.filter(function (c) { return c.type === "checkbox" && c.checked; })
          .map(function (c) { return c.value; });
        submit({choices: picked});
      } else if (question.kind === "numerical") {
        submit({text: form.querySelector("input").value});
      }
    });
    form.appendChild(state);
    form.enable = function () {
      if (answered) { return; }
      controls.forEach(function (c) { c.disabled = false; });
      var first = controls[0];
      if (first && first.focus) { first.focus(); }
    };
    form.disable = function () { controls.forEach(function (c) { c.disabled = true; }); };
    form.disable();
    if (answered) { state.textContent = t("recorded"); }
    form.state = state;
    stage.answerForm = form;
    return form;
  }

  function drawReveal(message) {
    stopTimer();
    current = {phase: "reveal", index: message.index};
    clear(stage);
    if (lobby) { lobby.hidden = true; }
    stage.appendChild(heading(message));
    stage.appendChild(html(el("div", "live-question"), message.question.text));
    var most = 1;
    message.distribution.forEach(function (row) { most = Math.max(most, row.count); });
    var bars = el("ul", "live-bars");
    message.distribution.forEach(function (row, i) {
      var item = el("li", "live-bar c" + (i % 4) + (row.right ? " right" : ""));
      var label = html(el("span", "live-bar-label"), row.html);
      var fill = el("span", "live-bar-fill");
      fill.style.width = Math.round(100 * row.count / most) + "%";
      item.appendChild(label);
      item.appendChild(fill);
      item.appendChild(el("strong", "live-bar-count", row.count + (row.right ? " ✓" : "")));
      bars.appendChild(item);
    });
    stage.appendChild(bars);
    if (message.right && message.right.texts && message.right.texts.length) {
      stage.appendChild(el("p", "live-right", t("right-answer") + ": " + message.right.texts.join("; ")));
    }
    stage.appendChild(el("p", "", message.answers + " " + t("answers")));
    if (message.you && you) {
      var line = message.you.answered ? (message.you.right ? t("right") : t("wrong")) : t("no-answer");
      line += " · +" + (message.you.points || 0) + " " + t("points") + " · " + t("total") + " " + message.you.score;
      you.textContent = line + ". " + message.you.text;
    }
    setButton(t("show-board"));
  }

  function table(rows) {
    var list = el("ol", "live-board");
    rows.forEach(function (row) {
      var item = el("li");
      item.appendChild(el("span", "live-rank", row.rank));
      item.appendChild(el("span", "live-name", row.name));
      item.appendChild(el("span", "live-unit", row.unit));
      item.appendChild(el("strong", "live-score", row.score));
      list.appendChild(item);
    });
    return list;
  }

  function drawLeaderboard(message) {
    stopTimer();
    current = {phase: "leaderboard", index: message.index};
    clear(stage);
    if (lobby) { lobby.hidden = true; }
    stage.appendChild(el("h2", "", t("leaderboard")));
    if (message.top) { stage.appendChild(table(message.top)); }
    if (message.you && you) { you.textContent = t("total") + " " + message.you.score + ". " + message.you.text; }
    setButton(message.index + 1 >= message.total ? t("finish") : t("next"));
  }

  function drawFinished(message) {
    stopTimer();
    current = {phase: "finished", index: message.index};
    clear(stage);
    if (lobby) { lobby.hidden = true; }
    stage.appendChild(el("h2", "", t("podium")));
    var podium = el("ol", "live-podium");
    (message.podium || []).forEach(function (row) {
      var step = el("li", "step" + row.rank);
      step.appendChild(el("strong", "", row.name));
      step.appendChild(el("span", "", row.unit + " · " + row.score));
      podium.appendChild(step);
    });
    stage.appendChild(podium);
    if (message.top) { stage.appendChild(table(message.top)); }
    if (message.units && message.units.length) {
      stage.appendChild(el("h2", "", t("units")));
      var units = el("ol", "live-board");
      message.units.forEach(function (row) {
        var item = el("li");
        item.appendChild(el("span", "live-rank", row.rank));
        item.appendChild(el("span", "live-name", row.unit));
        item.appendChild(el("span", "live-unit", row.members + " " + t("members")));
        item.appendChild(el("strong", "live-score", row.mean));
        units.appendChild(item);
      });
      stage.appendChild(units);
    }
    stage.appendChild(el("p", "", t("finished")));
    if (message.you && you) { you.textContent = t("total") + " " + message.you.score + ". " + message.you.text; }
    if (nextButton) { nextButton.hidden = true; }
  }

  function drawLobby(message) {
    current = {phase: "lobby", index: -1};
    clear(stage);
    if (lobby) { lobby.hidden = false; }
    if (role === "play") {
      stage.appendChild(el("p", "live-wait", (message.name ? message.name + ": " : "") + t("wait-start")));
    }
    if (message.participants) {
      var names = document.getElementById("live-names");
      clear(names);
      message.participants.forEach(function (p) { names.appendChild(el("li", "", p.display_name)); });
      document.getElementById("live-count").textContent = message.participants.length;
    }
    setButton(t("start"));
  }

  function updateAnswers(count) {
    var line = document.getElementById("live-answers");
    if (line) { line.textContent = count + " " + t("answers"); }
  }

  function setButton(label) {
    if (!nextButton) { return; }
    nextButton.textContent = label;
    nextButton.hidden = false;
    nextButton.disabled = false;
  }

  function next() {
    if (!nextButton) { return; }
    nextButton.disabled = true;
    showNotice("");
    send({action: "next", phase: current.phase, index: current.index});
    setTimeout(function () { nextButton.disabled = false; }, 1500);
  }
  if (nextButton) { nextButton.addEventListener("click", next); }

  // ------------------------------------------------------------- messages
  function handle(message) {
    switch (message.type) {
      case "round.state":
        if (message.phase === "lobby") { drawLobby(message); }
        else if (message.phase === "reading" || message.phase === "answering") {
          drawQuestion(message, message.answered);
          if (!message.answered && pending && pending.index === message.index && message.answer_ms > 0) {
            send({action: "answer", index: pending.index, answer: pending.answer});
            if (stage.answerForm) { stage.answerForm.state.textContent = t("sent"); }
          }
        } else if (message.phase === "reveal") { drawReveal(message); }
        else if (message.phase === "leaderboard") { drawLeaderboard(message); }
        else if (message.phase === "finished") { drawFinished(message); }
        break;
      case "round.lobby":
        var names = document.getElementById("live-names");
        if (names) { names.appendChild(el("li", "", message.participant.name)); }
        var count = document.getElementById("live-count");
        if (count) { count.textContent = message.count; }
        break;
      case "round.question": pending = null; drawQuestion(message, false); break;
      case "round.answered": if (message.index === current.index) { updateAnswers(message.count); } break;
      case "round.reveal": pending = null; drawReveal(message); break;
      case "round.leaderboard": drawLeaderboard(message); break;
      case "round.finished": drawFinished(message); break;
      case "answer.ack":
        pending = null;
        if (stage.answerForm) { stage.answerForm.state.textContent = t("recorded"); stage.answerForm.disable(); }
        break;
      case "answer.refused":
        pending = null;
        if (stage.answerForm) {
          stage.answerForm.state.textContent = message.message;
          if (message.code === "invalid" || message.code === "not_open") { stage.answerForm.enable(); }
        }
        break;
      case "notice": showNotice(message.message); break;
    }
  }

  connect();
})();
