// The live set page: follows the set's events (SSE), draws the counter, the shaking bars
// and the velocity loss, speaks the rep numbers and cues, and asks the after-set questions.
(function () {
  "use strict";
  var root = document.getElementById("live");
  if (!root) return;
  var stateUrl = root.dataset.stateUrl, csrf = root.dataset.csrf;
  var muted = false, reps = {}, spokenCues = 0, ended = false, storedId = null;
  var $ = function (id) { return document.getElementById(id); };

  function say(text) {
    if (muted || !window.speechSynthesis) return;
    window.speechSynthesis.speak(new SpeechSynthesisUtterance(text));
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body || {})
    });
  }

  function drawReps() {
    var list = Object.keys(reps).map(Number).sort(function (a, b) { return a - b; });
    $("count").textContent = String(list.length);
    var first = list.slice(0, 2).map(function (i) { return reps[i].tremor_rms_mps2; })
      .filter(function (v) { return v !== null; });
    var ref = first.length ? first.reduce(function (a, b) { return a + b; }) / first.length : null;
    var bars = $("bars");
    bars.textContent = "";
    list.forEach(function (i) {
      var v = reps[i].tremor_rms_mps2, ratio = ref && v !== null ? v / ref : null;
      var row = document.createElement("div");
      row.className = "live-bar" + (ratio !== null && ratio >= 2 ? " high" : "");
      var bar = document.createElement("span");
      bar.style.width = (ratio === null ? 0 : Math.min(100, 25 * ratio)) + "%";
      var label = document.createElement("small");
      label.textContent = "rep " + i + ": " + (ratio === null ? "–" : ratio.toFixed(1) + "×");
      row.appendChild(bar); row.appendChild(label); bars.appendChild(row);
    });
  }

  function showCue(cue) {
    var li = document.createElement("li");
    li.textContent = "rep " + cue.rep + ": " + cue.text;
    $("cues").appendChild(li);
  }

  function showState(state) {
    reps = {};
    state.reps.forEach(function (r) { reps[r.index] = r; });
    drawReps();
    if (state.set && state.set.velocity_loss_pct !== null && state.set.velocity_loss_pct !== undefined) {
      $("velocity").textContent = Math.round(state.set.velocity_loss_pct) + " %";
    }
    $("cues").textContent = "";
    state.cues.forEach(showCue);
    spokenCues = Math.max(spokenCues, state.cues.length);
    showPhones(state.phones);
    showStatus(state.status, state.analysis_id);
  }

  function showStatus(status, analysisId) {
    $("status").textContent = { waiting: "waiting for the phone", live: "live", ended: "ended" }[status];
    if (status === "ended" && !ended) {
      ended = true;
      $("end").disabled = true;
      if (!analysisId) { $("after").hidden = false; }
    }
    if (analysisId && analysisId !== storedId) {
      storedId = analysisId;
      $("after").hidden = true;
      $("analysis-link").href = "/analyses/" + analysisId;
      $("stored").hidden = false;
    }
  }

  function showPhones(phones) {
    var list = $("phones");
    list.textContent = "";
    phones.forEach(function (p) {
      var li = document.createElement("li");
      var select = document.createElement("select");
      ["left", "right"].forEach(function (leg) {
        var o = document.createElement("option");
        o.value = leg; o.textContent = leg + " thigh"; o.selected = p.leg === leg;
        select.appendChild(o);
      });
      select.addEventListener("change", function () {
        post(stateUrl + "/phones", { device_id: p.device_id, leg: select.value })
          .then(function (r) { return r.json(); }).then(showState);
      });
      li.textContent = p.device_id + " (" + p.messages + " messages) ";
      li.appendChild(select);
      list.appendChild(li);
    });
  }

  var source = new EventSource(root.dataset.eventsUrl);
  source.addEventListener("status", function (e) {
    var data = JSON.parse(e.data);
    if (data.reps !== undefined && Array.isArray(data.reps)) { showState(data); return; }
    showStatus(data.status, data.analysis_id);
    if (data.status === "live") fetch(stateUrl, { credentials: "same-origin" })
      .then(function (r) { return r.json(); }).then(showState);
  });
  source.addEventListener("rep", function (e) {
    var data = JSON.parse(e.data);
    var isNew = !reps[data.rep.index];
    reps[data.rep.index] = data.rep;
    drawReps();
    if (data.velocity_loss_pct !== null) {
      $("velocity").textContent = Math.round(data.velocity_loss_pct) + " %";
    }
    if (isNew) say(String(data.rep.index));
  });
  source.addEventListener("cue", function (e) {
    var cue = JSON.parse(e.data);
    showCue(cue);
    spokenCues += 1;
    say(cue.text);
    fetch(stateUrl, { credentials: "same-origin" }).then(function (r) { return r.json(); })
      .then(function (s) {
        if (s.set && s.set.velocity_loss_pct !== null) {
          $("velocity").textContent = Math.round(s.set.velocity_loss_pct) + " %";
        }
      });
  });

  $("mute").addEventListener("click", function () {
    muted = !muted;
    this.setAttribute("aria-pressed", String(muted));
    this.textContent = muted ? "Unmute the voice" : "Mute the voice";
    if (muted && window.speechSynthesis) window.speechSynthesis.cancel();
  });
  $("end").addEventListener("click", function () {
    post(stateUrl + "/end", { ask: true }).then(function (r) { return r.json(); }).then(showState);
  });
  $("after").addEventListener("submit", function (e) {
    e.preventDefault();
    var answers = {};
    new FormData(this).forEach(function (v, k) { if (v !== "") answers[k] = v; });
    post(stateUrl + "/end", { answers: answers }).then(function (r) {
      return r.json().then(function (body) {
        if (!r.ok) { $("after-error").textContent = body.detail; $("after-error").hidden = false; return; }
        showState(body);
      });
    });
  });
})();
