// chainrule graph viewer: draws the JSON model that viz.graphmodel makes, as SVG, and lets a
// reader pan, zoom, open modules, search and hover.
//
//   var v = new ChainruleViewer(container, model, options);
//
// options: depth ("auto": model.depth, the level Python chose | null | 0, 1, 2: modules as cards), palette (viz.palette
// as_dict()), toolbar (true: fit / zoom / level / search controls), minText (12: the smallest
// text size in px at the default zoom), onSelect(key) (a click on a card).
// Methods: fit(), home(), zoom(factor), pan(side), focus(keys), reveal(index), expand(gid), collapse(gid),
// setDepth(d), setState(key, state), setRow(key, word, text, cls), setBadge(key, text),
// clearMarks(), visibleKey(key), on("render" | "select" | "resize", fn), search(text).
// Keys name cards: "n12" is node 12 of model.nodes, "g3" group 3 of model.groups.
//
// Loaded after this file: viewer-view.js (pan, zoom, where the page opens, the "more" hints)
// and viewer-layout.js (P._layout).
(function (global) {
  "use strict";
  // SVG's namespace, as the HTML parser assigns it (the page names no URL at all)
  var SVGNS = (function () {
    var d = document.createElement("div");
    d.innerHTML = "<svg></svg>";
    return d.firstChild.namespaceURI;
  })();
  var FONT = "Helvetica, Arial, sans-serif";
  var ROW = 18, PADX = 9, PADY = 6;

  function el(tag, attrs, parent) {
    var e = document.createElementNS(SVGNS, tag);
    for (var k in attrs) if (attrs[k] !== undefined) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }
  function html(tag, cls, parent, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }

  var measureCtx = null, measureFont = "";
  function textWidth(text, size, bold) {
    if (!measureCtx) measureCtx = document.createElement("canvas").getContext("2d");
    var font = (bold ? "bold " : "") + size + "px " + FONT;
    if (font !== measureFont) { measureCtx.font = font; measureFont = font; }
    return measureCtx.measureText(text).width;
  }

  function ChainruleViewer(container, model, options) {
    if (!(this instanceof ChainruleViewer)) return new ChainruleViewer(container, model, options);
    this.model = model;
    this.opts = options || {};
    this.font = Math.max(this.opts.minText || 12, 13);
    this.horizontal = (model.rankdir || "LR") === "LR";
    this.marks = {};  // key -> {state, rows: {word: [text, cls]}, badge}
    this.listeners = {render: [], select: [], resize: []};
    if (this.opts.onSelect) this.listeners.select.push(this.opts.onSelect);
    this._prepare();
    this._build(container);
    this.setDepth(this.opts.depth !== undefined ? this.opts.depth : model.depth);
    this.home();
  }
  var P = ChainruleViewer.prototype;

  P.on = function (name, fn) { this.listeners[name].push(fn); return this; };
  P._emit = function (name, arg) {
    this.listeners[name].forEach(function (fn) { fn(arg); });
  };

  // ---- the model: parents, children, group chains -------------------------------------------
  P._prepare = function () {
    var m = this.model, n = m.nodes.length;
    this.groups = m.groups || [];
    this.chain = [];  // node -> its groups, innermost first
    for (var i = 0; i < n; i++) {
      var c = [], g = m.nodes[i].group;
      while (g !== null && g !== undefined) { c.push(g); g = this.groups[g].parent; }
      this.chain.push(c);
    }
    this.groupChain = this.groups.map(function (gr, k, all) {
      var c = [], g = k;
      while (g !== null && g !== undefined) { c.push(g); g = all[g].parent; }
      return c;
    });
    this.collapsed = {};
  };

  P.setDepth = function (depth) {
    var self = this;
    // "auto": the level Python chose (graph_model, by viz.levels on the cards drawn here)
    if (depth === "auto") depth = this.model.depth === "auto" ? null : this.model.depth;
    this.depth = depth;
    this.collapsed = {};
    this.groups.forEach(function (g, k) {  // a composite function (a loss) is one card at every level
      if (g.kind === "scope" || (depth !== null && depth !== undefined && g.level === depth)) self.collapsed[k] = true;
    });
    if (this.levelSelect) this.levelSelect.value = depth === null ? "all" : String(depth);
    this.render();
  };

  // the card node i is drawn in: its outermost collapsed group, or itself
  P._rep = function (i, col) {
    col = col || this.collapsed;
    var c = this.chain[i], rep = "n" + i;
    for (var k = 0; k < c.length; k++) if (col[c[k]]) rep = "g" + c[k];
    return rep;
  };
  P.visibleKey = function (key) {
    if (key.charAt(0) === "n") return this._rep(+key.slice(1));
    var c = this.groupChain[+key.slice(1)], rep = null;
    for (var k = 0; k < c.length; k++) if (this.collapsed[c[k]]) rep = "g" + c[k];
    return rep || key;
  };

  P.expand = function (g) { delete this.collapsed[g]; this._expandChildren(g); this.render(); };
  P._expandChildren = function (g) {
    // opening a module shows its children as cards (one level at a time)
    var self = this;
    this.groups.forEach(function (gr, k) { if (gr.parent === g) self.collapsed[k] = true; });
  };
  P.collapse = function (g) {
    var self = this;
    this.collapsed[g] = true;
    this.groups.forEach(function (gr, k) {
      if (k !== g && self.groupChain[k].indexOf(g) >= 0) delete self.collapsed[k];
    });
    this.render();
  };
  P.reveal = function (i) {
    var c = this.chain[i], changed = false;
    for (var k = 0; k < c.length; k++) if (this.collapsed[c[k]]) {
      delete this.collapsed[c[k]]; changed = true;
    }
    if (changed) this.render();
  };

  // ---- the visible graph --------------------------------------------------------------------
  P._visible = function () {
    var m = this.model, self = this, cards = [], byKey = {};
    for (var i = 0; i < m.nodes.length; i++) {
      var key = this._rep(i);
      if (!byKey[key]) { byKey[key] = {key: key, first: i, members: 0}; cards.push(byKey[key]); }
      byKey[key].members++;
    }
    var edges = [], seen = {};
    m.edges.forEach(function (e) {
      var a = self._rep(e[0]), b = self._rep(e[1]);
      if (a === b) return;
      var k = a + ">" + b;
      if (seen[k]) { seen[k].count++; return; }
      seen[k] = {a: a, b: b, count: 1, dst: e[1]};
      edges.push(seen[k]);
    });
    return {cards: cards, byKey: byKey, edges: edges};
  };

  // ---- sizes --------------------------------------------------------------------------------
  P._size = function (card) {
    var f = this.font, rows = this._rows(card.key), w = 0;
    rows.forEach(function (r, k) { w = Math.max(w, textWidth(r, f, k === 0)); });
    card.rows = rows;
    card.cardW = Math.ceil(w) + 2 * PADX;
    card.cardH = rows.length * ROW + 2 * PADY;
    card.chip = 0;
    if (card.key.charAt(0) === "n") {
      var node = this.model.nodes[+card.key.slice(1)];
      if (node.op) {
        var sym = (this.model.ops[node.op] || {}).sym || node.op;
        card.sym = sym;
        // measured as drawn (.crv-chip text: bold 14 px), so a long symbol stays in its pill
        card.chip = Math.max(26, Math.ceil(textWidth(sym, 14, true)) + 16);
      }
    }
    var chipGap = card.chip ? 8 : 0;
    if (this.horizontal) {
      card.w = card.chip + chipGap + card.cardW; card.h = card.cardH;
    } else {
      card.w = card.cardW; card.h = card.chip ? 26 + chipGap + card.cardH : card.cardH;
    }
  };
  P._rows = function (key) {
    var base = key.charAt(0) === "n" ? this.model.nodes[+key.slice(1)] : this.groups[+key.slice(1)];
    var rows = base.rows.slice(), mk = this.marks[key];
    if (mk && mk.rows) {
      for (var k = 1; k < rows.length; k++) {
        var word = rows[k].split(" ")[0];
        if (mk.rows[word]) rows[k] = word + " " + mk.rows[word][0];
      }
    }
    return rows;
  };

  // ---- drawing ------------------------------------------------------------------------------
  P._build = function (container) {
    var self = this;
    this.root = html("div", "crv", container);
    this.root.tabIndex = 0;
    this.root.setAttribute("role", "application");
    this.root.setAttribute("aria-label", "computation graph of " + (this.model.title || "a value") +
                           ": drag or arrow keys to pan, + and - to zoom, F to fit, / to search");
    if (this.opts.toolbar !== false) this._toolbar();
    this.stage = html("div", "crv-stage", this.root);
    this.svg = el("svg", {"class": "crv-svg", role: "img"}, this.stage);
    el("title", {}, this.svg).textContent = "Computation graph of " + (this.model.title || "");
    var defs = el("defs", {}, this.svg);
    var mk = el("marker", {id: "crv-arrow" + uid, viewBox: "0 0 10 10", refX: "9", refY: "5",
                           markerWidth: "7", markerHeight: "7", orient: "auto-start-reverse"}, defs);
    el("path", {d: "M0,0 L10,5 L0,10 z", "class": "crv-arrowhead"}, mk);
    this.arrowId = "crv-arrow" + uid;
    uid++;
    this.view = el("g", {"class": "crv-view"}, this.svg);
    this.tip = html("div", "crv-tip", this.root);
    this.tip.hidden = true;
    this.tx = 0; this.ty = 0; this.scale = 1;
    this._interact();
  };
  var uid = 0;

  P._toolbar = function () {
    var self = this, bar = html("div", "crv-bar", this.root);
    function button(text, title, fn) {
      var b = html("button", "crv-btn", bar, text);
      b.type = "button"; b.title = title; b.setAttribute("aria-label", title);
      b.addEventListener("click", function (ev) { ev.stopPropagation(); fn(); });
      return b;
    }
    button("Fit", "fit the whole graph (F)", function () { self.fit(); });
    button("\u2212", "zoom out (-)", function () { self.zoom(1 / 1.25); });
    button("+", "zoom in (+)", function () { self.zoom(1.25); });
    button("1:1", "readable size, from the start of the graph (0)", function () { self.home(); });
    var levels = [], names = {0: "model", 1: "layers", 2: "neurons"};
    this.groups.forEach(function (g) {
      if (g.kind === "module" && levels.indexOf(g.level) < 0) levels.push(g.level);
    });
    if (levels.length) {
      levels.sort();
      var lab = html("label", "crv-level", bar, "show ");
      var sel = html("select", "", lab);
      sel.setAttribute("aria-label", "level of detail");
      levels.forEach(function (l) { var o = html("option", "", sel, names[l] || "level " + l); o.value = String(l); });
      var all = html("option", "", sel, "every node"); all.value = "all";
      sel.addEventListener("change", function () {
        self.setDepth(sel.value === "all" ? null : +sel.value); self.home();
      });
      this.levelSelect = sel;
    }
    var search = html("input", "crv-search", bar);
    search.type = "search"; search.placeholder = "search a name"; search.setAttribute("aria-label", "search a node by name");
    this.searchInfo = html("span", "crv-found", bar, "");
    search.addEventListener("keydown", function (ev) {
      ev.stopPropagation();
      if (ev.key === "Enter") self.search(search.value, true);
      if (ev.key === "Escape") { search.value = ""; self.searchInfo.textContent = ""; self.root.focus(); }
    });
    search.addEventListener("input", function () { self.search(search.value, false); });
    this.searchBox = search;
  };

  P.search = function (text, next) {
    text = (text || "").trim().toLowerCase();
    var m = this.model, hits = [];
    if (!text) { this.searchInfo.textContent = ""; return []; }
    m.nodes.forEach(function (n, i) {
      if (n.name.toLowerCase().indexOf(text) >= 0 || (n.tip[0] || "").toLowerCase().indexOf(text) >= 0) hits.push("n" + i);
    });
    this.groups.forEach(function (g, k) {
      if ((g.path + " " + g.name).toLowerCase().indexOf(text) >= 0) hits.push("g" + k);
    });
    if (!hits.length) { if (this.searchInfo) this.searchInfo.textContent = "no match"; return hits; }
    if (this._lastSearch !== text) { this._lastSearch = text; this._hit = -1; }
    this._hit = (this._hit + 1) % hits.length;
    if (!next && this._hit > 0) this._hit = 0;
    var key = hits[this._hit];
    if (key.charAt(0) === "n") this.reveal(+key.slice(1));
    else this.groupChain[+key.slice(1)].slice(1).forEach(function (g) { delete this.collapsed[g]; }, this);
    this.render();
    var shown = this.visibleKey(key);
    this.focus([shown], true);
    this._flash(shown);
    if (this.searchInfo) this.searchInfo.textContent = (this._hit + 1) + " of " + hits.length;
    return hits;
  };

  P._flash = function (key) {
    var g = this.elements[key];
    if (!g) return;
    g.classList.add("crv-found-card");
    setTimeout(function () { g.classList.remove("crv-found-card"); }, 1600);
  };

  P.render = function () {
    var self = this;
    var vis = this._visible();
    var lay = this._layout(vis);
    this.layout = lay;
    this.view.textContent = "";
    var frames = el("g", {"class": "crv-frames"}, this.view);
    var edgeG = el("g", {"class": "crv-edges"}, this.view);
    var nodeG = el("g", {"class": "crv-cards"}, this.view);
    this.elements = {};
    this.boxes = {};
    var H = this.horizontal, items = lay.items;
    function xy(it) { return H ? [it.r, it.c] : [it.c, it.r]; }
    lay.cards.forEach(function (card, k) {
      var it = items[k], p = xy(it);
      var box = {x: p[0] - it.w / 2, y: p[1] - it.h / 2, w: it.w, h: it.h};
      self.boxes[card.key] = box;
      self.elements[card.key] = self._card(nodeG, card, box);
    });
    // frames of the expanded modules: around their members, column by column (rank by rank),
    // so that a card of another module in the same rank stays outside
    var frameCols = {};
    lay.cards.forEach(function (card, k) {
      var it = items[k], along = H ? it.w : it.h, across = H ? it.h : it.w;
      it.groups.forEach(function (g) {
        var cols = frameCols[g] || (frameCols[g] = {}), c = cols[it.rank];
        var r0 = it.r - along / 2, r1 = it.r + along / 2, c0 = it.c - across / 2, c1 = it.c + across / 2;
        if (!c) cols[it.rank] = {r0: r0, r1: r1, c0: c0, c1: c1, rank: it.rank};
        else { c.r0 = Math.min(c.r0, r0); c.r1 = Math.max(c.r1, r1); c.c0 = Math.min(c.c0, c0); c.c1 = Math.max(c.c1, c1); }
      });
    });
    // a frame around others is padded more, so that nested titles do not collide
    var nest = lay.nest;
    Object.keys(frameCols).sort(function (a, b) { return self.groupChain[a].length - self.groupChain[b].length; })
      .forEach(function (g) {
        var cols = Object.keys(frameCols[g]).map(Number).sort(function (a, b) { return a - b; })
          .map(function (q) { return frameCols[g][q]; });
        self._frame(frames, +g, cols, nest[g] || 0);
      });
    // many edges between few cards (dense layers) are drawn lighter, so they do not form a mat
    edgeG.setAttribute("class", "crv-edges" + (lay.edges.length > 3 * lay.cards.length ? " crv-dense" : ""));
    lay.edges.forEach(function (e) { self._edge(edgeG, e, lay); });
    var all = this._bounds();
    this.bounds = all;
    this.svg.setAttribute("aria-label", lay.cards.length + " cards");
    this._emit("render", this);
    this._apply();
    this._hints();
  };

  P._bounds = function () {
    var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (var k in this.boxes) {
      var b = this.boxes[k];
      x0 = Math.min(x0, b.x); y0 = Math.min(y0, b.y); x1 = Math.max(x1, b.x + b.w); y1 = Math.max(y1, b.y + b.h);
    }
    this.extent = {x0: x0, y0: y0, x1: x1, y1: y1};  // the cards alone (the "more" hints)
    if (this.frameBounds) {
      x0 = Math.min(x0, this.frameBounds.x0); y0 = Math.min(y0, this.frameBounds.y0);
    }
    return {x: x0 - 30, y: y0 - 40, w: x1 - x0 + 60, h: y1 - y0 + 70};
  };

  P._card = function (parent, card, box) {
    var self = this, key = card.key, isGroup = key.charAt(0) === "g";
    var data = isGroup ? this.groups[+key.slice(1)] : this.model.nodes[+key.slice(1)];
    var role = isGroup ? (data.kind === "scope" ? "scope" : "module") : data.role;
    var g = el("g", {"class": "crv-card crv-" + role, "data-key": key,
                     transform: "translate(" + box.x + "," + box.y + ")"}, parent);
    g.setAttribute("tabindex", "-1");
    var cx = 0, cy = 0;
    if (card.chip) {
      var chipG = el("g", {"class": "crv-chip"}, g);
      var cw = card.chip, ch = 26;
      var chx = this.horizontal ? 0 : (box.w - cw) / 2, chy = this.horizontal ? (box.h - ch) / 2 : 0;
      el("rect", {x: chx, y: chy, width: cw, height: ch, rx: 13, ry: 13}, chipG);
      var t = el("text", {x: chx + cw / 2, y: chy + ch / 2 + this.font * 0.35, "text-anchor": "middle"}, chipG);
      t.textContent = card.sym;
      if (this.horizontal) {
        el("line", {x1: cw, y1: box.h / 2, x2: cw + 8, y2: box.h / 2, "class": "crv-chipline"}, g);
        cx = cw + 8;
      } else {
        el("line", {x1: box.w / 2, y1: ch, x2: box.w / 2, y2: ch + 8, "class": "crv-chipline"}, g);
        cy = ch + 8;
      }
    }
    if (isGroup) {  // a collapsed module: a stack of cards
      el("rect", {x: cx + 4, y: cy + 4, width: card.cardW, height: card.cardH, rx: 7, "class": "crv-stack"}, g);
    }
    var body = el("g", {"class": "crv-body", transform: "translate(" + cx + "," + cy + ")"}, g);
    el("rect", {width: card.cardW, height: card.cardH, rx: role === "const" ? 3 : 7, "class": "crv-box"}, body);
    if (role === "param") el("rect", {x: 3, y: 3, width: card.cardW - 6, height: card.cardH - 6, rx: 5, "class": "crv-inner"}, body);
    card.rows.forEach(function (r, k) {
      var t = el("text", {x: card.cardW / 2, y: PADY + k * ROW + ROW * 0.72, "text-anchor": "middle",
                          "class": k === 0 ? "crv-title" : "crv-row"}, body);
      var sp = r.indexOf(" "), word = sp > 0 ? r.slice(0, sp) : "";
      if (k > 0 && (word === "data" || word === "grad" || word === "out")) {
        el("tspan", {"class": "crv-key"}, t).textContent = word + " ";
        var v = el("tspan", {"class": "crv-val"}, t);
        v.textContent = r.slice(sp + 1);
        t.setAttribute("data-word", word);
      } else {
        t.textContent = r;
      }
    });
    return g;  // hover and click: one listener for all cards (_interact)
  };

  P._keep = function (key) {
    // after expanding, keep the first member of the module in view
    var g = +key.slice(1), best = null;
    for (var k in this.boxes) {
      if (k.charAt(0) === "n" && this.chain[+k.slice(1)].indexOf(g) >= 0) { best = k; break; }
      if (k.charAt(0) === "g" && this.groupChain[+k.slice(1)].indexOf(g) > 0) { best = k; break; }
    }
    if (best) this.focus([best], true);
  };

  // the outline of a module's columns (ranks): a stepped frame around each rank's cards, so
  // that a card of another module in the same rank stays outside; the title's room is beside
  // the cards left to right, above the first rank top to bottom (_place keeps that room free)
  P._frame = function (parent, g, cols, nested) {
    var self = this, gr = this.groups[g], H = this.horizontal, sp = this.frameSpace(nested);
    var pad = sp.pad, top = sp.top, n = cols.length, starts = [], ends = [], i;
    // between two ranks: halfway (left to right), or top to bottom where the next rank's
    // frames start (below their titles: _place made the room), the same for every frame
    var layers = this.layout.layers;
    function between(i) {
      return H ? (cols[i - 1].r1 + cols[i].r0) / 2 : layers[cols[i].rank].at - layers[cols[i].rank].head;
    }
    for (i = 0; i < n; i++) {
      starts.push(i ? between(i) : cols[0].r0 - (H ? pad : top));
      ends.push(i < n - 1 ? between(i + 1) : cols[n - 1].r1 + pad);
    }
    var side = H ? top : pad, pts = [];  // (along the ranks, across them)
    for (i = 0; i < n; i++) pts.push([starts[i], cols[i].c0 - side], [ends[i], cols[i].c0 - side]);
    for (i = n - 1; i >= 0; i--) pts.push([ends[i], cols[i].c1 + pad], [starts[i], cols[i].c1 + pad]);
    var d = "M" + pts.map(function (p) {
      var q = H ? p : [p[1], p[0]];
      return q[0].toFixed(1) + "," + q[1].toFixed(1);
    }).join(" L") + " Z";
    var x = H ? starts[0] : cols[0].c0 - pad, y = H ? cols[0].c0 - top : starts[0];
    // top to bottom the title has the first rank's width: the module's short name if its
    // path is wider (the full path is on hover)
    var text = gr.rows[0] || gr.path, room = cols[0].c1 - cols[0].c0 + 2 * pad - 14;
    if (!H && (text.length + 2) * 13 * 0.62 > room && gr.name) text = gr.name;
    var fr = el("g", {"class": "crv-frame crv-frame-" + gr.kind, "data-key": "g" + g}, parent);
    el("path", {d: d}, fr);
    var t = el("text", {x: x + 10, y: y + 17, "class": "crv-frametitle"}, fr);
    t.textContent = "\u25be " + text;
    t.setAttribute("role", "button");
    t.addEventListener("click", function (ev) { ev.stopPropagation(); self.collapse(g); self.focus(["g" + g], true); });
    var title = el("title", {}, t);
    title.textContent = "collapse " + gr.path + " into one card";
  };

  P._edge = function (parent, e, lay) {
    var H = this.horizontal, items = lay.items, pts = [];
    var a = this.boxes[e.a], b = this.boxes[e.b];
    e.path.forEach(function (v, k) {
      var it = items[v];
      if (k === 0) pts.push(H ? [a.x + a.w, a.y + a.h / 2] : [a.x + a.w / 2, a.y + a.h]);
      else if (k === e.path.length - 1) pts.push(H ? [b.x, b.y + b.h / 2] : [b.x + b.w / 2, b.y]);
      else pts.push(H ? [it.r, it.c] : [it.c, it.r]);
    });
    var d = "M" + pts[0][0].toFixed(1) + "," + pts[0][1].toFixed(1);
    for (var k = 1; k < pts.length; k++) {
      var p = pts[k - 1], q = pts[k];
      if (H) {
        var dx = (q[0] - p[0]) / 2;
        d += " C" + (p[0] + dx).toFixed(1) + "," + p[1].toFixed(1) + " " + (q[0] - dx).toFixed(1) + "," + q[1].toFixed(1) + " " + q[0].toFixed(1) + "," + q[1].toFixed(1);
      } else {
        var dy = (q[1] - p[1]) / 2;
        d += " C" + p[0].toFixed(1) + "," + (p[1] + dy).toFixed(1) + " " + q[0].toFixed(1) + "," + (q[1] - dy).toFixed(1) + " " + q[0].toFixed(1) + "," + q[1].toFixed(1);
      }
    }
    var width = Math.min(1.2 + Math.log(e.count) * 0.8, 4);
    var path = el("path", {d: d, "class": "crv-edge", "stroke-width": width.toFixed(2),
                           "marker-end": "url(#" + this.arrowId + ")", "data-from": e.a, "data-to": e.b}, parent);
    if (e.count > 1) el("title", {}, path).textContent = e.count + " connections";
  };

  // ---- tooltips -----------------------------------------------------------------------------
  P._showTip = function (key, ev) {
    var lines = [], m = this.model;
    if (key.charAt(0) === "n") {
      var n = m.nodes[+key.slice(1)];
      lines = n.tip.slice();
      var mk = this.marks[key];
      if (mk && mk.rows && mk.rows.grad) {  // a page that steps the pass (the stepper, a quiz):
        // the gradient it has reached, never the final one (no answer shown before its step)
        var g = mk.rows.grad;
        lines = lines.filter(function (l) { return l.indexOf("grad") !== 0; });
        lines.push(g[0] === "?" ? "grad: not computed yet" :
                   "grad " + g[0] + (g[1] === "partial" ? " (so far: more uses to come)" : ""));
      }
      if (n.op) {
        var op = m.ops[n.op] || {};
        lines.push("");
        lines.push(n.eq || n.op);
        lines.push("rule: " + (op.rule || n.op));
        (n.d || []).forEach(function (d) { lines.push(d); });
      }
    } else {
      var g = this.groups[+key.slice(1)];
      lines = g.tip.concat(["click to open it (" + g.size + " nodes)"]);
    }
    var tip = this.tip;
    tip.textContent = "";
    lines.forEach(function (l, k) {
      var p = html("div", k === 0 ? "crv-tip-head" : "", tip, l);
      if (!l) p.className = "crv-tip-gap";
    });
    tip.hidden = false;
    this._moveTip(ev);
  };
  P._moveTip = function (ev) {
    var r = this.root.getBoundingClientRect(), t = this.tip;
    var x = ev.clientX - r.left + 14, y = ev.clientY - r.top + 14;
    if (x + t.offsetWidth > r.width) x = Math.max(4, ev.clientX - r.left - t.offsetWidth - 14);
    if (y + t.offsetHeight > r.height) y = Math.max(4, ev.clientY - r.top - t.offsetHeight - 14);
    t.style.left = x + "px"; t.style.top = y + "px";
  };

  // ---- marks (the stepper's states, rows and badges) ------------------------------------------
  P._mark = function (key) { return this.marks[key] || (this.marks[key] = {rows: {}}); };
  P.setState = function (key, state) { this._mark(key).state = state; this._applyKey(key); };
  P.setBadge = function (key, text) { this._mark(key).badge = text; this._applyKey(key); };
  P.setRow = function (key, word, text, cls) {
    this._mark(key).rows[word] = [text, cls || ""];
    this._applyKey(key);
  };
  P.clearMarks = function () { this.marks = {}; this._apply(); };
  P._apply = function () { for (var key in this.elements) this._applyKey(key); };
  P._applyKey = function (key) {
    var g = this.elements && this.elements[key];
    if (!g) return;
    var mk = this.marks[key] || {rows: {}};
    ["current", "receiving", "partial", "done", "waiting", "hidden", "future", "computed"].forEach(function (s) {
      g.classList.toggle("crv-state-" + s, mk.state === s);
    });
    Array.prototype.forEach.call(g.querySelectorAll("text[data-word]"), function (t) {
      var r = mk.rows[t.getAttribute("data-word")], v = t.querySelector(".crv-val");
      if (!r) return;
      v.textContent = r[0];
      t.setAttribute("class", "crv-row " + (r[1] ? "crv-row-" + r[1] : ""));
    });
    var badge = g.querySelector(".crv-badge");
    if (mk.badge) {  // on the card's top edge, above its title
      if (!badge) {
        badge = el("g", {"class": "crv-badge"}, g);
        el("rect", {}, badge); el("text", {"text-anchor": "middle"}, badge);
      }
      var box = this.boxes[key], w = Math.max(26, textWidth(mk.badge, 13, true) + 12);
      var r = badge.firstChild, t = badge.lastChild;
      r.setAttribute("x", box.w - w + 6); r.setAttribute("y", -17); r.setAttribute("width", w);
      r.setAttribute("height", 22); r.setAttribute("rx", 11);
      t.setAttribute("x", box.w - w / 2 + 6); t.setAttribute("y", -1);
      t.textContent = mk.badge;
    } else if (badge) {
      badge.parentNode.removeChild(badge);
    }
  };

  P._interact = function () {
    var self = this, stage = this.stage, drag = null, over = null;
    function cardOf(ev) {
      var g = ev.target && ev.target.closest ? ev.target.closest(".crv-card") : null;
      return g ? g.getAttribute("data-key") : null;
    }
    stage.addEventListener("mouseover", function (ev) {
      var key = cardOf(ev);
      if (key === over) return;
      over = key;
      if (key) self._showTip(key, ev); else self.tip.hidden = true;
    });
    stage.addEventListener("mousemove", function (ev) { if (over) self._moveTip(ev); });
    stage.addEventListener("mouseleave", function () { over = null; self.tip.hidden = true; });
    stage.addEventListener("click", function (ev) {
      var key = cardOf(ev);
      if (!key || self._dragged) return;
      ev.stopPropagation();
      if (key.charAt(0) === "g") { self.expand(+key.slice(1)); self._keep(key); }
      self._emit("select", key);
    });
    stage.addEventListener("wheel", function (ev) {
      ev.preventDefault();
      var r = stage.getBoundingClientRect();
      self.zoom(Math.exp(-ev.deltaY * 0.0015), ev.clientX - r.left, ev.clientY - r.top);
    }, {passive: false});
    stage.addEventListener("pointerdown", function (ev) {
      if (ev.button !== 0) return;
      drag = {x: ev.clientX, y: ev.clientY, tx: self.tx, ty: self.ty, id: ev.pointerId};
      self._dragged = false;
    });
    stage.addEventListener("pointermove", function (ev) {
      if (!drag) return;
      var dx = ev.clientX - drag.x, dy = ev.clientY - drag.y;
      if (!self._dragged && Math.abs(dx) + Math.abs(dy) < 5) return;
      if (!self._dragged) { self._dragged = true; stage.setPointerCapture(drag.id); stage.classList.add("crv-dragging"); }
      self.tx = drag.tx + dx; self.ty = drag.ty + dy;
      self.tip.hidden = true;
      self._transform();
    });
    function end() {
      drag = null;
      stage.classList.remove("crv-dragging");
      setTimeout(function () { self._dragged = false; }, 0);
    }
    stage.addEventListener("pointerup", end);
    stage.addEventListener("pointercancel", end);
    this.root.addEventListener("keydown", function (ev) {
      if (ev.target && ev.target.tagName === "INPUT") return;
      var step = 80, used = true;
      switch (ev.key) {
        case "+": case "=": self.zoom(1.25); break;
        case "-": case "_": self.zoom(1 / 1.25); break;
        case "f": case "F": self.fit(); break;
        case "0": self.home(); break;
        case "ArrowLeft": if (ev.shiftKey || !self.opts.arrowsStep) { self.tx += step; self._transform(); } else used = false; break;
        case "ArrowRight": if (ev.shiftKey || !self.opts.arrowsStep) { self.tx -= step; self._transform(); } else used = false; break;
        case "ArrowUp": self.ty += step; self._transform(); break;
        case "ArrowDown": self.ty -= step; self._transform(); break;
        case "/": if (self.searchBox) self.searchBox.focus(); break;
        default: used = false;
      }
      if (used) ev.preventDefault();
    });
    if (global.ResizeObserver) {
      // the size the constructor opened the view at: a page that fills in around the viewer
      // right after (the stepper's side panel) changes it before the first observation
      var first = self._viewport(), last = first.w + "x" + first.h;
      new ResizeObserver(function () {
        var vp = self._viewport(), key = vp.w + "x" + vp.h;
        // a page that keeps something in view (the stepper's step) listens; else: home
        if (key !== last && self.bounds) {
          if (self.listeners.resize.length) self._emit("resize", vp); else self.home();
        }
        last = key;
      }).observe(stage);
    }
  };

  global.ChainruleViewer = ChainruleViewer;
})(typeof window !== "undefined" ? window : this);
