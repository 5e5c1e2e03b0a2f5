// chainrule graph viewer, its layout: where each card of the visible graph goes.
// Loaded after viewer.js, it adds _layout (and its steps) to ChainruleViewer.prototype.
//
// Layered, after Sugiyama et al. (1981): ranks by longest path, every open module in a span of
// ranks of its own, leaves pulled next to their first use; dummy points on long edges (within a
// budget); a few barycentre sweeps to order each rank (module members kept together); then
// positions by isotonic regression towards the neighbours' mean (pool adjacent violators), so
// cards line up with what they feed without overlapping.
(function (global) {
  "use strict";
  var GAP = 14, GROUP_GAP = 40, RANK_GAP = 72;
  var P = global.ChainruleViewer.prototype;

  // ---- layout -------------------------------------------------------------------------------
  P._layout = function (vis) {
    var self = this, cards = vis.cards, n = cards.length, idx = {};
    cards.forEach(function (c, k) { idx[c.key] = k; self._size(c); });
    var out = cards.map(function () { return []; }), inc = cards.map(function () { return []; });
    vis.edges.forEach(function (e) { out[idx[e.a]].push(idx[e.b]); inc[idx[e.b]].push(idx[e.a]); });
    // Kahn's order (a cycle, possible only through collapsed cards, is broken at its earliest)
    var indeg = inc.map(function (l) { return l.length; }), order = [], done = new Array(n);
    var queue = [], head = 0;
    for (var i = 0; i < n; i++) if (!indeg[i]) queue.push(i);
    while (order.length < n) {
      if (head >= queue.length) {
        for (var j = 0; j < n; j++) if (!done[j] && queue.indexOf(j) < 0) { queue.push(j); break; }
      }
      var v = queue[head++];
      if (done[v]) continue;
      done[v] = true; order.push(v);
      out[v].forEach(function (w) { if (--indeg[w] === 0) queue.push(w); });
    }
    var pos = new Array(n);
    order.forEach(function (v, k) { pos[v] = k; });
    var rank = this._ranks(cards, order, pos, inc, out);
    // layers with dummy points on long edges
    var nr = 0;
    rank.forEach(function (x) { nr = Math.max(nr, x + 1); });
    var items = cards.map(function (c, k) { return {card: c, rank: rank[k], up: [], down: [], w: c.w, h: c.h}; });
    var segs = [];
    // dummy points cost layout time: past a budget, the longest edges are drawn as plain curves
    var spans = vis.edges.map(function (e) { return rank[idx[e.b]] - rank[idx[e.a]] - 1; })
      .filter(function (s) { return s > 0; }).sort(function (x, y) { return x - y; });
    var budget = Math.max(4000, 3 * n), used = 0, longest = Infinity;
    for (var q0 = 0; q0 < spans.length; q0++) {
      used += spans[q0];
      if (used > budget) { longest = spans[q0] - 1; break; }
    }
    vis.edges.forEach(function (e) {
      var a = idx[e.a], b = idx[e.b], ra = rank[a], rb = rank[b], path = [a];
      if (rb <= ra || rb - ra - 1 > longest) { e.path = [a, b]; e.back = rb <= ra; return; }
      var prev = a;
      for (var q = ra + 1; q < rb; q++) {
        var d = items.length;
        items.push({dummy: true, rank: q, up: [], down: [], w: 2, h: 2});
        items[prev].down.push(d); items[d].up.push(prev); path.push(d); prev = d;
      }
      items[prev].down.push(b); items[b].up.push(prev); path.push(b);
      e.path = path; segs.push(e);
    });
    var layers = [];
    for (var q = 0; q < nr; q++) layers.push([]);
    items.forEach(function (it, k) { it.id = k; layers[it.rank].push(k); });
    // group keys: each card's expanded modules, outermost first (keeps members together)
    items.forEach(function (it) {
      it.groups = [];
      if (it.dummy) return;
      var key = it.card.key;
      var c = key.charAt(0) === "n" ? self.chain[+key.slice(1)] : self.groupChain[+key.slice(1)].slice(1);
      for (var k = c.length - 1; k >= 0; k--) if (!self.collapsed[c[k]]) it.groups.push(c[k]);
    });
    items.forEach(function (it) {  // a dummy sits with the modules of its upper end
      if (!it.dummy) return;
      var a = items[it.up[0]];
      while (a.dummy) a = items[a.up[0]];
      it.groups = a.groups;
    });
    items.forEach(function (it) {  // the keys of its modules, outermost first ("3", "3,7", ...)
      it.gkeys = [];
      for (var d = 0; d < it.groups.length; d++) it.gkeys.push(d ? it.gkeys[d - 1] + "," + it.groups[d] : String(it.groups[0]));
      it.gkey = it.gkeys.length ? it.gkeys[it.gkeys.length - 1] : "";
    });
    // how many open modules each one holds, nested (its frame is padded by that: frameSpace)
    var nest = {};
    items.forEach(function (it) {
      if (it.dummy) return;
      it.groups.forEach(function (g, d) { nest[g] = Math.max(nest[g] || 0, it.groups.length - 1 - d); });
    });
    this._order(layers, items);
    this._place(layers, items, nest);
    return {items: items, layers: layers, edges: vis.edges, cards: cards, idx: idx, nest: nest};
  };

  // longest-path ranks in which every expanded module occupies its own span of ranks: a member
  // starts after everything that feeds the module, a user of the module after all of it; then
  // leaves are pulled next to their first use (inside the spans), so frames do not overlap
  P._ranks = function (cards, order, pos, inc, out) {
    var self = this, n = cards.length, rank = new Array(n).fill(0);
    var gs = cards.map(function (c) {  // the expanded groups each card is inside
      var key = c.key, ch = key.charAt(0) === "n" ? self.chain[+key.slice(1)] : self.groupChain[+key.slice(1)].slice(1);
      return ch.filter(function (g) { return !self.collapsed[g]; });
    });
    function outer(u, v) {  // the outermost group holding u but not v
      var best = null;
      gs[u].forEach(function (g) { if (gs[v].indexOf(g) < 0) best = g; });
      return best;
    }
    var start = {}, end = {};
    for (var it = 0; it < 12; it++) {
      var changed = false;
      order.forEach(function (v) {
        var r = 0;
        inc[v].forEach(function (u) {
          if (pos[u] >= pos[v]) return;
          var g = outer(u, v);
          r = Math.max(r, (g !== null && end[g] !== undefined ? end[g] : rank[u]) + 1);
        });
        gs[v].forEach(function (g) { if (start[g] !== undefined) r = Math.max(r, start[g]); });
        if (r !== rank[v]) { rank[v] = r; changed = true; }
      });
      var ns = {}, ne = {};
      order.forEach(function (v) {
        gs[v].forEach(function (g) {
          ne[g] = Math.max(ne[g] === undefined ? 0 : ne[g], rank[v]);
          inc[v].forEach(function (u) {
            if (pos[u] < pos[v] && gs[u].indexOf(g) < 0) ns[g] = Math.max(ns[g] || 0, rank[u] + 1);
          });
        });
      });
      for (var g in ne) {
        if (ns[g] !== start[g] || ne[g] !== end[g]) changed = true;
        start[g] = ns[g] || 0; end[g] = ne[g];
      }
      if (!changed) break;
    }
    for (var r = order.length - 1; r >= 0; r--) {  // leaves and early values next to their use
      var u = order[r], best = Infinity;
      out[u].forEach(function (w) {
        if (pos[w] <= pos[u]) return;
        var g = outer(w, u);
        best = Math.min(best, (g !== null ? start[g] : rank[w]) - 1);
      });
      gs[u].forEach(function (g) { best = Math.min(best, end[g]); });
      if (best !== Infinity && best > rank[u]) rank[u] = best;
    }
    return rank;
  };

  P._order = function (layers, items) {
    layers.forEach(function (L) { L.forEach(function (v, k) { items[v].o = k; }); });
    var sweeps = items.length > 4000 ? 2 : 6;
    for (var s = 0; s < sweeps; s++) {
      var down = s % 2 === 0;
      for (var q = down ? 1 : layers.length - 2; down ? q < layers.length : q >= 0; q += down ? 1 : -1) {
        var L = layers[q];
        L.forEach(function (v) {
          var nb = down ? items[v].up : items[v].down;
          if (!nb.length) { items[v].bary = items[v].o; return; }
          var sum = 0;
          nb.forEach(function (u) { sum += items[u].o; });
          items[v].bary = sum / nb.length;
        });
        sortLayer(L, items);
        L.forEach(function (v, k) { items[v].o = k; });
      }
    }
  };

  function sortLayer(L, items) {
    // lexicographic key: [mean bary of outermost group, its id, ..., own bary, id]
    var means = {};
    L.forEach(function (v) {
      var it = items[v];
      for (var d = 0; d < it.gkeys.length; d++) {
        var m = means[it.gkeys[d]] || (means[it.gkeys[d]] = {s: 0, n: 0});
        m.s += it.bary; m.n++;
      }
    });
    L.forEach(function (v) {
      var it = items[v], key = [];
      for (var d = 0; d < it.gkeys.length; d++) {
        var m = means[it.gkeys[d]];
        key.push(m.s / m.n, it.groups[d]);
      }
      key.push(it.bary, -1, v);
      it.sortKey = key;
    });
    L.sort(function (a, b) {
      var x = items[a].sortKey, y = items[b].sortKey, n = Math.min(x.length, y.length);
      for (var k = 0; k < n; k++) if (x[k] !== y[k]) return x[k] < y[k] ? -1 : 1;
      return x.length - y.length;
    });
  }

  // a module frame's padding around its cards, and the room for its title (and the titles of
  // the frames nested in it) before its first rank: the frame is drawn with these (_frame)
  P.frameSpace = function (nested) {
    var pad = 10 + 8 * nested;
    return {pad: pad, top: pad + 22 + 24 * nested};
  };

  P._place = function (layers, items, nest) {
    var self = this, H = this.horizontal, along = H ? "w" : "h", across = H ? "h" : "w";
    // top to bottom, frame titles sit between ranks: where modules start, the gap before the
    // rank holds their titles and the bottom padding of the frames ending just before, so
    // that stacked frames do not overlap (left to right, titles sit beside the cards)
    var opens = [], closes = [];
    if (!H) {
      var first = {}, last = {};
      items.forEach(function (it) {
        if (it.dummy) return;
        it.groups.forEach(function (g) {
          first[g] = Math.min(first[g] === undefined ? Infinity : first[g], it.rank);
          last[g] = Math.max(last[g] === undefined ? -1 : last[g], it.rank);
        });
      });
      Object.keys(first).forEach(function (g) {
        var sp = self.frameSpace(nest[g] || 0);
        opens[first[g]] = Math.max(opens[first[g]] || 0, sp.top);
        closes[last[g]] = Math.max(closes[last[g]] || 0, sp.pad);
      });
    }
    var at = 0;
    layers.forEach(function (L, q) {
      var size = 0, crossing = 0;
      L.forEach(function (v) { size = Math.max(size, items[v][along]); crossing += items[v].down.length; });
      L.forEach(function (v) { items[v].r = at + size / 2; });
      L.size = size; L.at = at;
      var gap = Math.max(RANK_GAP, (closes[q] || 0) + (opens[q + 1] || 0) + GAP);
      // more room where many edges cross to the next rank, so that they fan out readably
      gap += Math.min(180, 6 * Math.sqrt(crossing));
      // where a frame passes from its cards of the rank before to this rank's (_frame): below
      // the titles of the frames that start here, else halfway
      if (q + 1 < layers.length) layers[q + 1].head = opens[q + 1] || gap / 2;
      at += size + gap;
    });
    // neighbours in a rank: a frame that ends between them (a's) and one that starts (b's)
    // need their padding, and left to right b's frame its title, between the two cards
    function sep(a, b) {
      if (a.dummy || b.dummy) return (a[across] + b[across]) / 2 + 8;
      if (a.gkey === b.gkey) return (a[across] + b[across]) / 2 + GAP;
      var d = 0;
      while (d < a.groups.length && d < b.groups.length && a.groups[d] === b.groups[d]) d++;
      var ends = d < a.groups.length ? self.frameSpace(nest[a.groups[d]] || 0).pad : 0;
      var sp = d < b.groups.length ? self.frameSpace(nest[b.groups[d]] || 0) : null;
      var starts = sp ? (H ? sp.top : sp.pad) : 0;
      return (a[across] + b[across]) / 2 + Math.max(GROUP_GAP, ends + starts + GAP);
    }
    layers.forEach(function (L) {  // first pass: stacked
      var y = 0;
      L.forEach(function (v, k) {
        if (k) y += sep(items[L[k - 1]], items[v]);
        items[v].c = y;
      });
    });
    var iters = items.length > 4000 ? 4 : 10;
    for (var s = 0; s < iters; s++) {
      var down = s % 2 === 0;
      for (var q = down ? 0 : layers.length - 1; down ? q < layers.length : q >= 0; q += down ? 1 : -1) {
        var L = layers[q];
        var target = L.map(function (v) {
          var it = items[v], nb = it.up.concat(it.down);
          if (!nb.length) return it.c;
          var sum = 0;
          nb.forEach(function (u) { sum += items[u].c; });
          return sum / nb.length;
        });
        var seps = [];
        for (var k = 1; k < L.length; k++) seps.push(sep(items[L[k - 1]], items[L[k]]));
        var placed = isotonic(target, seps);
        L.forEach(function (v, k) { items[v].c = placed[k]; });
      }
    }
  };

  // least-squares positions near `target` keeping y[k+1] - y[k] >= seps[k] (pool adjacent violators)
  function isotonic(target, seps) {
    var n = target.length, off = [0];
    for (var k = 1; k < n; k++) off.push(off[k - 1] + seps[k - 1]);
    var blocks = [];
    for (var i = 0; i < n; i++) {
      blocks.push({sum: target[i] - off[i], n: 1});
      while (blocks.length > 1) {
        var b = blocks[blocks.length - 1], a = blocks[blocks.length - 2];
        if (a.sum / a.n <= b.sum / b.n) break;
        a.sum += b.sum; a.n += b.n; blocks.pop();
      }
    }
    var out = [], j = 0;
    blocks.forEach(function (b) {
      for (var k = 0; k < b.n; k++, j++) out.push(b.sum / b.n + off[j]);
    });
    return out;
  }

})(typeof window !== "undefined" ? window : this);
