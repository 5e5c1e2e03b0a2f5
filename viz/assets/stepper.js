// chainrule backprop stepper: plays the frames that viz.animate_backward embedded in the page.
// Frame k = frame k-1 plus its gradient updates; highlights belong to frame k alone.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("cr-frames").textContent);
  var frames = data.frames;
  var svg = document.querySelector("#stage svg");
  var nodes = {}, edges = {}, gradText = {};

  // Graphviz writes each node's and edge's name in a <title> child: map names to elements.
  Array.prototype.forEach.call(svg.querySelectorAll("g.node, g.edge"), function (g) {
    var t = g.querySelector("title");
    if (!t) return;
    var name = t.textContent;
    if (g.classList.contains("node")) nodes[name] = g;
    else (edges[name] = edges[name] || []).push(g);  // a*a: two edges share one name
  });
  // the grad row of each card: the text whose caption span says "grad"
  Object.keys(nodes).forEach(function (name) {
    Array.prototype.forEach.call(nodes[name].querySelectorAll("text"), function (t) {
      var key = t.querySelector("tspan.cr-key");
      if (key && key.textContent === "grad") gradText[name] = t;
    });
  });

  function setGrad(name, shown, full, state) {
    var t = gradText[name];
    var g = nodes[name];
    if (g) g.setAttribute("data-grad", full === null ? "" : String(full));
    if (!t) return;
    // keep the no-break spaces that pad the row on both sides, so it stays centred
    var lead = t.firstChild && t.firstChild.nodeType === 3 ? t.firstChild.nodeValue : "";
    t.lastChild.nodeValue = " " + shown + lead;
    t.classList.remove("g-unknown", "g-partial", "g-fresh", "g-done");
    t.classList.add("g-" + state);
  }

  var current = -1, timer = null;
  var slider = document.getElementById("slider");
  slider.max = String(frames.length - 1);

  function show(k) {
    k = Math.max(0, Math.min(frames.length - 1, k));
    var state = {};
    data.start.forEach(function (s) { state[s[0]] = s; });
    for (var i = 0; i <= k; i++) {
      frames[i].set.forEach(function (s) { state[s[0]] = s; });
    }
    var fresh = {};
    frames[k].set.forEach(function (s) { fresh[s[0]] = true; });
    Object.keys(state).forEach(function (name) {
      var s = state[name];
      var st = s[3] === "done" && fresh[name] ? "fresh" : s[3];  // just completed: red
      setGrad(name, s[1], s[2], st);
    });
    Object.keys(nodes).forEach(function (n) { nodes[n].classList.remove("cur", "tgt"); });
    Object.keys(edges).forEach(function (e) {
      edges[e].forEach(function (g) { g.classList.remove("hot"); });
    });
    var f = frames[k];
    f.cur.forEach(function (n) { if (nodes[n]) nodes[n].classList.add("cur"); });
    f.tgt.forEach(function (n) { if (nodes[n]) nodes[n].classList.add("tgt"); });
    f.edges.forEach(function (e) {
      (edges[e] || []).forEach(function (g) { g.classList.add("hot"); });
    });
    document.getElementById("step-title").textContent = f.title;
    document.getElementById("step-rule").textContent = f.rule;
    var box = document.getElementById("step-lines");
    box.textContent = "";
    f.lines.forEach(function (line) {
      var el = document.createElement("span");
      el.className = "line" + (line.note ? " note" : "");
      el.textContent = line.text;
      box.appendChild(el);
    });
    current = k;
    slider.value = String(k);
    document.getElementById("counter").textContent = "frame " + k + " / " + (frames.length - 1);
    document.body.setAttribute("data-frame", String(k));
    document.body.setAttribute("data-current", f.cur.length ? f.cur[0] : "");
    if (f.cur.length && nodes[f.cur[0]] && nodes[f.cur[0]].scrollIntoView) {
      nodes[f.cur[0]].scrollIntoView({block: "nearest", inline: "nearest"});
    }
  }

  function play() {
    if (timer) { clearInterval(timer); timer = null; setPlay(false); return; }
    if (current >= frames.length - 1) show(0);
    setPlay(true);
    timer = setInterval(function () {
      if (current >= frames.length - 1) { clearInterval(timer); timer = null; setPlay(false); return; }
      show(current + 1);
    }, data.interval);
  }
  function setPlay(on) {
    var b = document.getElementById("play");
    b.textContent = on ? "\u275A\u275A Pause" : "\u25B6 Play";
    b.setAttribute("aria-pressed", on ? "true" : "false");
  }
  function stop() { if (timer) play(); }

  document.getElementById("first").onclick = function () { stop(); show(0); };
  document.getElementById("prev").onclick = function () { stop(); show(current - 1); };
  document.getElementById("next").onclick = function () { stop(); show(current + 1); };
  document.getElementById("last").onclick = function () { stop(); show(frames.length - 1); };
  document.getElementById("play").onclick = play;
  // Fit: as large as the stage allows (a projector wants big cards), at most 2x natural size.
  var stage = document.getElementById("stage");
  var natural = svg.viewBox && svg.viewBox.baseVal ? svg.viewBox.baseVal : null;
  function fit() {
    if (!natural || !natural.width) return;
    var w0 = natural.width * 4 / 3, h0 = natural.height * 4 / 3;  // pt -> px
    if (!stage.classList.contains("fit")) {
      svg.style.width = w0 + "px"; svg.style.height = h0 + "px"; return;
    }
    var k = Math.min((stage.clientWidth - 28) / w0, (stage.clientHeight - 28) / h0, 2);
    k = Math.max(k, 0.25);
    svg.style.width = (w0 * k) + "px"; svg.style.height = (h0 * k) + "px";
  }
  document.getElementById("fit").onclick = function () {
    stage.classList.toggle("fit");
    fit();
  };
  window.addEventListener("resize", fit);
  fit();
  slider.oninput = function () { stop(); show(parseInt(slider.value, 10)); };
  document.addEventListener("keydown", function (e) {
    if (e.target && e.target.tagName === "INPUT" && e.target.type !== "range") return;
    if (e.key === "ArrowRight") { stop(); show(current + 1); e.preventDefault(); }
    else if (e.key === "ArrowLeft") { stop(); show(current - 1); e.preventDefault(); }
    else if (e.key === "Home") { stop(); show(0); e.preventDefault(); }
    else if (e.key === "End") { stop(); show(frames.length - 1); e.preventDefault(); }
    else if (e.key === " ") { play(); e.preventDefault(); }
  });
  show(0);
})();
