// chainrule graph viewer, the view: pan, zoom, where a page opens, and the hints that there is
// more of the graph to pan to. Loaded after viewer.js, it adds these to ChainruleViewer.prototype.
//
// Where a page opens (home, also the 1:1 button and the 0 key): the whole graph when it fits
// with its text at least minText px; otherwise readable size at the graph's start (its inputs:
// the left end left to right, the top end top to bottom), because a reader follows the
// computation from where it starts. Whenever part of the graph is out of view, a "more" button
// on that side says so and pans toward it.
(function (global) {
  "use strict";
  var P = global.ChainruleViewer.prototype;
  var MARGIN = 40;
  // side -> [arrow text, the direction the view moves: +1 shows what lies that way]
  var SIDES = {left: ["\u25c2 more", -1], right: ["more \u25b8", 1],
               top: ["\u25b4 more", -1], bottom: ["more \u25be", 1]};

  P._transform = function () {
    this.view.setAttribute("transform", "translate(" + this.tx.toFixed(2) + "," + this.ty.toFixed(2) + ") scale(" + this.scale.toFixed(4) + ")");
    this._hints();
  };
  P._viewport = function () {
    var r = this.stage.getBoundingClientRect();
    return {w: r.width || 800, h: r.height || 500};
  };
  // the smallest scale at which every text is at least minText px
  P.readableScale = function () { return (this.opts.minText || 12) / this.font; };
  P.fit = function () {
    var b = this.bounds, vp = this._viewport();
    var s = Math.min(vp.w / b.w, vp.h / b.h, 1.4);
    this.scale = s;
    this.tx = (vp.w - b.w * s) / 2 - b.x * s;
    this.ty = (vp.h - b.h * s) / 2 - b.y * s;
    this._transform();
  };
  // the default view: the whole graph if it fits readable, else readable size at its start
  P.home = function () {
    var b = this.bounds, vp = this._viewport();
    var s = Math.min(vp.w / b.w, vp.h / b.h, 1.4);
    if (s >= this.readableScale()) { this.fit(); return; }
    this.scale = Math.max(1, this.readableScale());
    this._start();
  };
  // the graph's start end in view: its first ranks against the left (or top) edge; across, the
  // cards that show there centred if they fit, else the first rank's (the inputs), else its top
  P._start = function () {
    var H = this.horizontal, b = this.bounds, vp = this._viewport(), s = this.scale;
    var along0 = H ? b.x : b.y, span = (H ? vp.w : vp.h) / s, room = H ? vp.h : vp.w;
    var lay = this.layout, first = Infinity;
    lay.items.forEach(function (it) { first = Math.min(first, it.rank); });
    var shown = [Infinity, -Infinity], firsts = [Infinity, -Infinity];
    lay.cards.forEach(function (card, k) {
      var box = this.boxes[card.key], a = H ? box.x : box.y, len = H ? box.w : box.h;
      var c0 = H ? box.y : box.x, c1 = c0 + (H ? box.h : box.w);
      if (a + len <= along0 + span) { shown[0] = Math.min(shown[0], c0); shown[1] = Math.max(shown[1], c1); }
      if (lay.items[k].rank === first) { firsts[0] = Math.min(firsts[0], c0); firsts[1] = Math.max(firsts[1], c1); }
    }, this);
    var fits = function (r) { return r[0] < Infinity && (r[1] - r[0]) * s + 2 * MARGIN <= room; };
    var r = fits(shown) ? shown : firsts[0] < Infinity ? firsts : [H ? b.y : b.x, H ? b.y + b.h : b.x + b.w];
    var across = fits(r) ? room / 2 - (r[0] + r[1]) / 2 * s : MARGIN - r[0] * s;
    if (r !== shown && shown[0] < Infinity) {  // no empty band beside what shows (a staircase)
      across = Math.max(Math.min(across, MARGIN - shown[0] * s), room - MARGIN - shown[1] * s);
      if (fits(r)) across = Math.max(MARGIN - r[0] * s, Math.min(across, room - MARGIN - r[1] * s));
    }
    var length = (H ? b.w : b.h) * s, along = length <= span * s ? (span * s - length) / 2 - along0 * s
      : -along0 * s;  // centred when it is only too tall (too wide) to fit
    if (H) { this.tx = along; this.ty = across; } else { this.ty = along; this.tx = across; }
    this._transform();
  };
  P.zoom = function (factor, cx, cy) {
    var vp = this._viewport();
    if (cx === undefined) { cx = vp.w / 2; cy = vp.h / 2; }
    var s = Math.max(0.05, Math.min(4, this.scale * factor));
    this.tx = cx - (cx - this.tx) * (s / this.scale);
    this.ty = cy - (cy - this.ty) * (s / this.scale);
    this.scale = s;
    this._transform();
  };
  // bring these cards into view (zooming out only as far as text stays readable)
  P.focus = function (keys, center, side) {
    var self = this, x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    keys.forEach(function (key) {
      var b = self.boxes[self.visibleKey(key)];
      if (!b) return;
      x0 = Math.min(x0, b.x); y0 = Math.min(y0, b.y); x1 = Math.max(x1, b.x + b.w); y1 = Math.max(y1, b.y + b.h);
    });
    if (x0 === Infinity) return;
    var vp = this._viewport(), m = MARGIN;
    var need = Math.min((vp.w - 2 * m) / (x1 - x0), (vp.h - 2 * m) / (y1 - y0));
    if (need < this.scale) this.scale = Math.max(need, this.readableScale());
    var s = this.scale;
    var inside = x0 * s + this.tx >= m && x1 * s + this.tx <= vp.w - m &&
                 y0 * s + this.ty >= m && y1 * s + this.ty <= vp.h - m;
    if (!inside || center) {
      var cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
      if (need < s) {  // they do not all fit readable: the first card (the one at work) wins
        var f = self.boxes[self.visibleKey(keys[0])];
        if (f) { cx = f.x + f.w / 2; cy = f.y + f.h / 2; }
      }
      this.tx = vp.w / 2 - cx * s;
      this.ty = vp.h / 2 - cy * s;
      if (side === "end" && this.horizontal) this.tx = vp.w - m - x1 * s;
    }
    this._transform();
  };

  // ---- "more" hints -------------------------------------------------------------------------
  P._hintButtons = function () {
    var self = this, keys = this.opts.arrowsStep ? "Shift+arrow keys" : "the arrow keys";
    this.hints = {};
    Object.keys(SIDES).forEach(function (side) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "crv-more crv-more-" + side;
      b.textContent = SIDES[side][0];
      b.title = "the graph goes on " + (side === "left" || side === "right" ? "to the " : "at the ") +
                side + ": click, drag or use " + keys + " to pan; F fits it all";
      b.hidden = true;
      b.addEventListener("click", function (ev) { ev.stopPropagation(); self.pan(side); });
      b.addEventListener("pointerdown", function (ev) { ev.stopPropagation(); });
      self.stage.appendChild(b);
      self.hints[side] = b;
    });
  };
  // move the view most of a screen toward ``side`` ("left", "right", "top", "bottom")
  P.pan = function (side) {
    var vp = this._viewport(), d = SIDES[side][1];
    if (side === "left" || side === "right") this.tx -= d * vp.w * 0.7;
    else this.ty -= d * vp.h * 0.7;
    this._transform();
  };
  // show a side's hint while some card lies beyond that side of the view
  P._hints = function () {
    if (!this.extent) return;
    if (!this.hints) this._hintButtons();
    var vp = this._viewport(), s = this.scale, e = this.extent;
    var x0 = e.x0, y0 = e.y0, x1 = e.x1, y1 = e.y1;
    var out = {left: x0 * s + this.tx < -2, right: x1 * s + this.tx > vp.w + 2,
               top: y0 * s + this.ty < -2, bottom: y1 * s + this.ty > vp.h + 2};
    for (var side in out) this.hints[side].hidden = !out[side];
  };
})(typeof window !== "undefined" ? window : this);
