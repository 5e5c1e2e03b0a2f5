// chainrule backprop stepper: plays the frames viz.animate_backward made, on the graph viewer.
// A frame's set/state/badge entries persist (frame k shows frames 0..k applied in turn); its
// cur (the node at work) and tgt (its inputs) belong to it alone. Frames whose node is inside
// the same collapsed module card make one step, so the step counter follows the level shown.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("cr-frames").textContent);
  var model = JSON.parse(document.getElementById("crv-model").textContent);
  var frames = data.frames;
  var PHASES = {forward: "1 \u00b7 Forward pass", order: "2 \u00b7 Finding the backward order",
                backward: "3 \u00b7 Backward pass", done: "3 \u00b7 Backward pass: done"};
  var viewer = new ChainruleViewer(document.getElementById("crs-graph"), model,
                                   {depth: model.depth, arrowsStep: true});
  var $ = function (id) { return document.getElementById(id); };
  var steps = [], current = 0, timer = null, answered = {}, score = {right: 0, asked: 0};
  var shown = [];  // the cards the current step keeps in view

  function unit(f, k) {
    if (!f.cur.length) return "frame" + k;
    return f.phase + ":" + viewer.visibleKey(f.cur[0]);
  }
  function group() {  // frames -> steps at the level the viewer shows
    var out = [], last = null;
    frames.forEach(function (f, k) {
      var u = unit(f, k);
      if (last && u === last.unit && u.indexOf(":g") > 0) { last.frames.push(k); return; }
      last = {unit: u, frames: [k]};
      out.push(last);
    });
    return out;
  }

  function markGroup(key, apply) {  // a node inside a collapsed card marks the card
    var vk = viewer.visibleKey(key);
    if (vk !== key) apply(vk);
  }

  function render() {
    var step = steps[current], lastFrame = step.frames[step.frames.length - 1];
    var hide = data.quiz && frames[step.frames[0]].phase === "backward" && !answered[current] && asks(step).length;
    viewer.marks = {};
    data.start.forEach(function (s) { viewer._mark(s[0]).rows[s[1]] = [s[2], s[3]]; });
    for (var k = 0; k <= lastFrame; k++) {
      var f = frames[k], mine = step.frames.indexOf(k) >= 0;
      f.state.forEach(function (s) {
        viewer._mark(s[0]).state = s[1];
        markGroup(s[0], function (vk) { viewer._mark(vk).state = s[1]; });
      });
      f.badge.forEach(function (b) {
        viewer._mark(b[0]).badge = b[1];
        markGroup(b[0], function (vk) {
          var m = viewer._mark(vk);
          if (!m.badgeFrom || m.badgeFrom !== k) { m.badge = b[1]; m.badgeFrom = k; }
        });
      });
      f.set.forEach(function (s) {
        var hidden = hide && mine && s[0].charAt(0) === "n";
        viewer._mark(s[0]).rows[s[1]] = hidden ? ["?", "unknown"] : [s[2], s[3]];
      });
    }
    var cur = [], tgt = [];
    step.frames.forEach(function (k) {
      frames[k].cur.forEach(function (c) { var v = viewer.visibleKey(c); if (cur.indexOf(v) < 0) cur.push(v); });
    });
    step.frames.forEach(function (k) {
      frames[k].tgt.forEach(function (c) {
        var v = viewer.visibleKey(c);
        if (cur.indexOf(v) < 0 && tgt.indexOf(v) < 0) tgt.push(v);
      });
    });
    tgt.forEach(function (v) { viewer._mark(v).state = "receiving"; });
    cur.forEach(function (v) { viewer._mark(v).state = "current"; });
    viewer._apply();
    shown = cur.concat(tgt);
    if (cur.length) viewer.focus(shown);
    explain(step, hide);
    var f0 = frames[step.frames[0]];
    $("crs-counter").textContent = "Step " + (current + 1) + " of " + steps.length;
    $("crs-slider").value = String(current);
    $("crs-phase").textContent = PHASES[f0.phase] || "";
    Array.prototype.forEach.call(document.querySelectorAll(".crs-chapters button"), function (b) {
      b.classList.toggle("on", b.getAttribute("data-phase") === f0.phase || (f0.phase === "done" && b.getAttribute("data-phase") === "backward"));
    });
  }

  function asks(step) {
    var out = [];
    step.frames.forEach(function (k) {
      frames[k].lines.forEach(function (l) { if (l.ask !== undefined) out.push(l); });
    });
    return out.slice(0, 12);
  }

  function explain(step, hide) {
    var first = frames[step.frames[0]], box = $("crs-lines");
    var title = first.title;
    if (step.frames.length > 1) {
      var vk = step.unit.split(":")[1], g = model.groups[+vk.slice(1)];
      title = (g ? g.path || g.name : vk) + ": one step for its " + step.frames.length +
        " nodes (open the card to step through each)";
    }
    $("crs-title").textContent = title;
    $("crs-rule").textContent = first.rule;
    box.textContent = "";
    var lines = [];
    step.frames.forEach(function (k) {
      if (step.frames.length > 1 && frames[k].title) lines.push({text: frames[k].title, head: true});
      frames[k].lines.forEach(function (l) { lines.push(l); });
    });
    var shown = lines.slice(0, 16);
    shown.forEach(function (l) {
      var d = document.createElement("div");
      d.className = l.head ? "more" : "line";
      if (hide && l.ask !== undefined) {
        d.appendChild(document.createTextNode(l.ask + " "));
        var inp = document.createElement("input");
        inp.type = "text"; inp.inputMode = "decimal"; inp.setAttribute("aria-label", "your guess: " + l.ask);
        inp.addEventListener("keydown", function (ev) { ev.stopPropagation(); if (ev.key === "Enter") check(); });
        d.appendChild(inp);
        l._input = inp;
      } else {
        d.textContent = l.text;
        if (l._verdict) {
          var v = document.createElement("span");
          v.className = l._verdict[0]; v.textContent = "  " + l._verdict[1];
          d.appendChild(v);
        }
      }
      box.appendChild(d);
    });
    if (lines.length > shown.length) {
      var more = document.createElement("div");
      more.className = "more"; more.textContent = "\u2026 and " + (lines.length - shown.length) + " more lines";
      box.appendChild(more);
    }
    if (hide) {
      var b = document.createElement("button");
      b.className = "crs-check"; b.type = "button"; b.textContent = "Check my answer";
      b.addEventListener("click", check);
      box.appendChild(b);
      var firstInput = box.querySelector("input");
      if (firstInput) setTimeout(function () { firstInput.focus(); }, 0);
    }
  }

  function check() {
    var step = steps[current];
    asks(step).forEach(function (l) {
      var guess = parseFloat(((l._input && l._input.value) || "").replace(",", "."));
      var ok = isFinite(guess) && Math.abs(guess - l.answer) <= 1e-3 + 1e-2 * Math.abs(l.answer);
      score.asked++; if (ok) score.right++;
      l._verdict = ok ? ["right", "\u2714 right"] : ["wrong", "\u2718 you said " + (l._input && l._input.value ? l._input.value : "nothing")];
    });
    answered[current] = true;
    $("crs-score").textContent = "score " + score.right + " / " + score.asked;
    render();
  }

  function go(k) {
    var s = steps[current];
    if (data.quiz && k > current && !answered[current] && frames[s.frames[0]].phase === "backward" && asks(s).length) {
      var inp = document.querySelector("#crs-lines input");
      if (inp) inp.focus();
      return;  // answer first
    }
    current = Math.max(0, Math.min(steps.length - 1, k));
    render();
  }
  function stop() {
    if (timer) { clearInterval(timer); timer = null; }
    $("crs-play").setAttribute("aria-pressed", "false");
    $("crs-play").innerHTML = "&#9654; Play";
  }
  function play() {
    if (timer) { stop(); return; }
    if (current === steps.length - 1) current = -1;
    $("crs-play").setAttribute("aria-pressed", "true");
    $("crs-play").innerHTML = "&#10074;&#10074; Pause";
    timer = setInterval(function () {
      var before = current;
      go(current + 1);
      if (current === before || current === steps.length - 1) stop();
    }, data.interval);
  }

  function regroup() {  // the level changed: keep the frame we were at
    var at = steps.length ? steps[current].frames[0] : 0;
    steps = group();
    $("crs-slider").max = String(steps.length - 1);
    current = 0;
    steps.forEach(function (s, k) { if (s.frames[0] <= at) current = k; });
    answered = {};
    count();
  }

  // the header counts what the footer counts: the steps at the level shown, by chapter
  function count() {
    var per = {forward: 0, order: 0, backward: 0}, cards = viewer.layout.cards.length;
    steps.forEach(function (s) {
      var phase = frames[s.frames[0]].phase;
      per[phase === "done" ? "backward" : phase]++;
    });
    var shown = cards === model.nodes.length ? cards + " nodes"
      : cards + " cards (" + model.nodes.length + " nodes)";
    $("crs-count").textContent = steps.length + " steps (" + per.forward + " forward, " +
      per.order + " order, " + per.backward + " backward) \u00b7 " + shown;
  }

  $("crs-first").addEventListener("click", function () { stop(); go(0); });
  $("crs-prev").addEventListener("click", function () { stop(); go(current - 1); });
  $("crs-next").addEventListener("click", function () { stop(); go(current + 1); });
  $("crs-last").addEventListener("click", function () { stop(); go(steps.length - 1); });
  $("crs-play").addEventListener("click", play);
  $("crs-slider").addEventListener("input", function () { stop(); go(+$("crs-slider").value); });
  Array.prototype.forEach.call(document.querySelectorAll(".crs-chapters button"), function (b) {
    b.addEventListener("click", function () {
      stop();
      var phase = b.getAttribute("data-phase");
      for (var k = 0; k < steps.length; k++) if (frames[steps[k].frames[0]].phase === phase) { go(k); return; }
    });
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.target && ev.target.tagName === "INPUT" && ev.target.type !== "range") return;
    if (ev.shiftKey) return;  // shift+arrows pan the graph
    var used = true;
    if (ev.key === "ArrowRight") { stop(); go(current + 1); }
    else if (ev.key === "ArrowLeft") { stop(); go(current - 1); }
    else if (ev.key === "Home") { stop(); go(0); }
    else if (ev.key === "End") { stop(); go(steps.length - 1); }
    else if (ev.key === " ") play();
    else used = false;
    if (used) ev.preventDefault();
  });
  // the page changed size (the phone layout's text grew, a window resized): keep the step in view
  viewer.on("resize", function () {
    if (shown.length) viewer.focus(shown, true); else viewer.home();
  });
  var lastLevel = null;
  viewer.on("render", function () {
    var level = JSON.stringify(viewer.collapsed);
    if (level === lastLevel) return;
    lastLevel = level;
    regroup();
    setTimeout(render, 0);
  });
  regroup();
  lastLevel = JSON.stringify(viewer.collapsed);
  render();
  window.stepper = {go: go, steps: function () { return steps; }, current: function () { return current; }, viewer: viewer, check: check};
})();
