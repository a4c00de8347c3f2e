// thrustlab report charts: draws each chart described in the JSON block #thrustlab-charts
// with uPlot (vendored beside this file, inlined into the report). Drag across a chart to
// zoom into a rep, double-click to zoom out; the legend shows the values under the pointer.
(function () {
  "use strict";
  var data = document.getElementById("thrustlab-charts");
  if (!data || !window.uPlot) return;
  var specs = JSON.parse(data.textContent);
  var FONT = "13px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";

  function inPlot(draw) {
    // draws inside the plot area only: zoomed in, what reaches past it is cut at its edges
    return function (u) {
      var ctx = u.ctx, top = u.bbox.top, height = u.bbox.height;
      ctx.save();
      ctx.beginPath();
      ctx.rect(u.bbox.left, top, u.bbox.width, height);
      ctx.clip();
      ctx.font = FONT.replace("13px", Math.round(12 * devicePixelRatio) + "px");
      draw(u, ctx, top, height, devicePixelRatio);
      ctx.restore();
    };
  }

  function shadeHook(spec) {
    // rep areas (darker at the hold) and frequency bands, drawn under the series
    return inPlot(function (u, ctx, top, height) {
      (spec.areas || []).forEach(function (a) {
        var x0 = u.valToPos(a.from, "x", true), x1 = u.valToPos(a.to, "x", true);
        ctx.fillStyle = a.colour;
        ctx.fillRect(x0, top, Math.max(x1 - x0, 1), height);
      });
    });
  }

  function labelOn(ctx, text, x, y, px, align, colour) {
    // a label on a light ground, legible over bars and lines
    var w = ctx.measureText(text).width, pad = 2 * px;
    var left = align === "center" ? x - w / 2 : align === "right" ? x - w : x;
    ctx.fillStyle = "rgba(255, 255, 255, 0.8)";
    ctx.fillRect(left - pad, y - 12 * px, w + 2 * pad, 16 * px);
    ctx.fillStyle = colour;
    ctx.textAlign = align;
    ctx.fillText(text, x, y);
  }

  function markHook(spec) {
    // the reps' numbers, and marked moments (a dashed line with its label), over the series
    return inPlot(function (u, ctx, top, height, px) {
      // the reps' numbers in one row; where they would overlap (many reps on a phone's
      // width), in two, taking turns; a number is left out only where it still overlaps
      var labels = (spec.areas || []).filter(function (a) { return a.label; }).map(function (a) {
        var mid = (u.valToPos(a.from, "x", true) + u.valToPos(a.to, "x", true)) / 2;
        return { text: a.label, mid: mid, half: ctx.measureText(a.label).width / 2 };
      });
      var gap = 4 * px;
      var rows = labels.every(function (l, i) {
        return i === 0 || l.mid - l.half >= labels[i - 1].mid + labels[i - 1].half + gap;
      }) ? 1 : 2;
      var rowEnds = [-Infinity, -Infinity];
      labels.forEach(function (l, i) {
        var row = i % rows;
        if (l.mid - l.half < rowEnds[row] + gap) return;
        rowEnds[row] = l.mid + l.half;
        labelOn(ctx, l.text, l.mid, top + (14 + 17 * row) * px, px, "center", "#333");
      });
      (spec.marks || []).forEach(function (m) {
        var x = u.valToPos(m.x, "x", true);
        ctx.strokeStyle = "#c62828";
        ctx.setLineDash([5 * px, 4 * px]);
        ctx.lineWidth = 1.5 * px;
        ctx.beginPath();
        ctx.moveTo(x, top);
        ctx.lineTo(x, top + height);
        ctx.stroke();
        ctx.setLineDash([]);
        // the label right of the line where it fits in the plot, else left of it where it
        // fits, else on the roomier side
        var room = ctx.measureText(m.label).width + 7 * px;
        var roomRight = u.bbox.left + u.bbox.width - x, roomLeft = x - u.bbox.left;
        var right = roomRight < room && (roomLeft >= room || roomLeft > roomRight);
        var tx = x + (right ? -5 : 5) * px;
        labelOn(ctx, m.label, tx, top + 14 * px, px, right ? "right" : "left", "#c62828");
      });
    });
  }

  function seriesOf(s, barCount) {
    var out = {
      label: s.label,
      stroke: s.colour,
      width: s.kind === "points" ? 0 : 2,
      scale: s.scale || "y",
      value: function (u, v) {
        return v == null ? "" : v.toFixed(s.digits == null ? 3 : s.digits) + (s.unit ? " " + s.unit : "");
      },
      spanGaps: !!s.span_gaps
    };
    if (s.kind === "bars") {
      out.fill = s.colour;
      out.width = 0;
      out.paths = uPlot.paths.bars({ size: [barCount > 1 ? 0.42 : 0.7, 60], align: s.align || 0 });
      out.points = { show: false };
    } else if (s.kind === "band") {
      out.fill = s.fill;
      out.width = 1;
      out.points = { show: false };
    } else if (s.kind === "points") {
      out.paths = function () { return null; };
      out.points = { show: true, size: 9, fill: s.colour, stroke: s.colour };
    } else {
      out.points = { show: false };
    }
    return out;
  }

  function xValue(spec) {
    return function (u, v) {
      if (v == null) return "";
      if (spec.x_kind === "date") return new Date(v * 1000).toISOString().slice(0, 10);
      if (spec.x_names) return spec.x_names[Math.round(v)] || "";
      return v.toFixed(spec.x_digits == null ? 1 : spec.x_digits) + " " + spec.x_unit;
    };
  }

  var measure = document.createElement("canvas").getContext("2d");
  measure.font = FONT;

  function thinned(ticks, names, u, lo, hi) {
    // the named ticks whose names would not touch on this chart's width: every k-th of those
    // between the first and the last, the smallest k that keeps them apart, less any that
    // would touch the first or the last (10 reps and "post" on a phone's width), which stay
    if (ticks.length < 3) return ticks;
    var cssPerUnit = u.bbox.width / devicePixelRatio / ((hi - lo) || 1);
    var width = function (t) { return measure.measureText(names[t] || "").width; };
    var apart = function (a, b) { return (b - a) * cssPerUnit >= (width(a) + width(b)) / 2 + 4; };
    var first = ticks[0], last = ticks[ticks.length - 1], inner = ticks.slice(1, -1), every = [];
    for (var k = 1; k <= inner.length; k++) {
      every = inner.filter(function (t, i) { return i % k === 0; });
      if (every.every(function (t, i) { return i === 0 || apart(every[i - 1], t); })) break;
    }
    var clear = every.filter(function (t) { return apart(first, t) && apart(t, last); });
    return [first].concat(clear, [last]);
  }

  function optionsFor(spec, width) {
    var bars = spec.series.filter(function (s) { return s.kind === "bars"; }).length;
    var axis = { font: FONT, stroke: "#444", grid: { stroke: "#eee" }, ticks: { stroke: "#ccc" } };
    var xAxis = Object.assign({}, axis, { label: spec.x_label, labelFont: FONT, labelSize: 22 });
    if (spec.x_names) {
      var tickNames = spec.x_tick_names || spec.x_names;
      xAxis.values = function (u, ticks) {
        return ticks.map(function (t) { return Number.isInteger(t) ? (tickNames[t] || "") : ""; });
      };
      xAxis.splits = function (u, axis, lo, hi) { return thinned(spec.x_ticks, tickNames, u, lo, hi); };
    }
    if (spec.x_kind === "date") {
      xAxis.values = function (u, ticks) {
        return ticks.map(function (t) { return new Date(t * 1000).toISOString().slice(5, 10); });
      };
    }
    var first = spec.x[0], last = spec.x[spec.x.length - 1];
    var xRange = function (u, lo, hi) {
      // zoomed in: the span dragged across; the whole chart: the spec's range, or for dates
      // the data's with the first and last day's points clear of the edges
      if (lo !== first || hi !== last) return [lo, hi];
      if (spec.x_range) return spec.x_range;
      var pad = spec.x_kind === "date" ? Math.max(43200, 0.04 * (hi - lo)) : 0;
      return [lo - pad, hi + pad];
    };
    var yAxis = Object.assign({}, axis, { label: spec.y_label, labelFont: FONT, labelSize: 20, size: 56 });
    if (spec.log_y) {
      yAxis.splits = function (u) {  // one line per power of ten
        var lo = u.scales.y.min, hi = u.scales.y.max, out = [];
        for (var e = Math.ceil(Math.log10(lo)); e <= Math.floor(Math.log10(hi)); e++) out.push(Math.pow(10, e));
        return out;
      };
      yAxis.values = function (u, ticks) {
        return ticks.map(function (t) {
          if (t == null) return "";
          return t >= 0.01 && t < 1000 ? String(+t.toPrecision(2)) : t.toExponential(0);
        });
      };
    }
    var axes = [xAxis, yAxis];
    var scales = {
      x: { time: false, range: xRange },
      y: spec.log_y ? { distr: 3 } : { range: spec.y_range ? function (u, lo, hi) {
        // null: from the data, with room above the highest value for the labels at the top
        var low = spec.y_range[0] == null ? lo - 0.05 * (hi - lo) : spec.y_range[0];
        return [low, spec.y_range[1] == null ? hi + 0.25 * (hi - low) : spec.y_range[1]];
      } : undefined }
    };
    if (spec.y2_label) {
      axes.push(Object.assign({}, axis, { scale: "y2", side: 1, label: spec.y2_label, labelFont: FONT,
        labelSize: 20, size: 56, grid: { show: false } }));
      scales.y2 = { range: function (u, lo, hi) { return [0, hi * 1.1 || 1]; } };
    }
    return {
      width: width,
      height: spec.height || 260,
      title: spec.title,
      scales: scales,
      axes: axes,
      series: [{ label: spec.x_label, value: xValue(spec) }].concat(
        spec.series.map(function (s) { return seriesOf(s, bars); })),
      cursor: {
        drag: { x: !spec.x_names, y: false },
        points: { size: 8 },
        // charts over the same time line: the pointer and a zoom on one move the others
        sync: spec.sync ? { key: spec.sync, setSeries: false } : undefined
      },
      legend: { live: true },
      hooks: { drawClear: [shadeHook(spec)], draw: [markHook(spec)] }
    };
  }

  specs.forEach(function (spec) {
    var box = document.getElementById(spec.id);
    if (!box) return;
    var columns = [spec.x].concat(spec.series.map(function (s) { return s.values; }));
    var chart = new uPlot(optionsFor(spec, box.clientWidth || 360), columns, box);
    var last = box.clientWidth;
    if (window.ResizeObserver) {
      new ResizeObserver(function () {
        if (box.clientWidth && box.clientWidth !== last) {
          last = box.clientWidth;
          chart.setSize({ width: last, height: spec.height || 260 });
        }
      }).observe(box);
    }
  });
})();
