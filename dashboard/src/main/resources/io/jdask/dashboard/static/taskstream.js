// The task stream: one row per worker thread, one bar per task, drawn on a canvas.
//
// Why it stays smooth at 100,000 tasks and more:
// - bars live in per-row typed arrays (start, end, group, task index), sorted by start; a
//   thread runs one task at a time, so ends are sorted too and the first visible bar of a row
//   is a binary search away;
// - a frame visits only the bars inside the visible time window, and draws at most one
//   rectangle per pixel column per row: bars narrower than a pixel that fall on pixels already
//   painted are skipped, so zoomed out a frame costs O(rows x width), not O(tasks);
// - batches from the server are appended to the arrays (amortised O(1)), and a frame is drawn
//   at most once per animation frame, however many batches arrive.
// Used by the live page (fed by live.js over the WebSocket) and by the self-contained HTML
// report (fed by the data inlined in it).
(function (global) {
  'use strict';

  const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#b07aa1', '#76b7b2', '#edc948',
    '#ff9da7', '#9c755f', '#bab0ac', '#86bcb6', '#d37295', '#a0cbe8'];
  const FAILED = '#d62728';
  const ROW_H = 22;
  const BAR_H = 16;
  const AXIS_H = 24;
  const GUTTER = 210;

  function colorOf(groupIndex) {
    if (groupIndex < PALETTE.length) return PALETTE[groupIndex];
    return 'hsl(' + ((groupIndex * 137.5) % 360) + ',55%,55%)';
  }

  // Natural order for thread names: jdask-threads-2 before jdask-threads-10.
  function naturalCompare(a, b) {
    return a.localeCompare(b, undefined, { numeric: true, sensitivity: 'base' });
  }

  class Row {
    constructor(id, worker, thread) {
      this.id = id;
      this.worker = worker;
      this.thread = thread;
      this.n = 0;
      this.start = new Float64Array(64);
      this.end = new Float64Array(64);
      this.group = new Int32Array(64);
      this.task = new Int32Array(64);
      this.failed = new Uint8Array(64);
      this.sorted = true;
    }

    push(start, end, group, task, failed) {
      if (this.n === this.start.length) this.grow();
      const i = this.n++;
      if (i > 0 && start < this.start[i - 1]) this.sorted = false;
      this.start[i] = start; this.end[i] = end; this.group[i] = group;
      this.task[i] = task; this.failed[i] = failed;
    }

    grow() {
      const n = this.start.length * 2;
      const copy = (a, T) => { const b = new T(n); b.set(a); return b; };
      this.start = copy(this.start, Float64Array);
      this.end = copy(this.end, Float64Array);
      this.group = copy(this.group, Int32Array);
      this.task = copy(this.task, Int32Array);
      this.failed = copy(this.failed, Uint8Array);
    }

    // Rarely needed (a row's tasks arrive in order); done lazily, once, before drawing.
    sort() {
      if (this.sorted) return;
      const idx = Array.from({ length: this.n }, (_, i) => i).sort((a, b) => this.start[a] - this.start[b]);
      const take = (a) => { const b = a.slice(); for (let k = 0; k < idx.length; k++) b[k] = a[idx[k]]; return b; };
      this.start = take(this.start); this.end = take(this.end); this.group = take(this.group);
      this.task = take(this.task); this.failed = take(this.failed);
      this.sorted = true;
    }

    // First bar whose end is at or after t.
    firstEndingAfter(t) {
      let lo = 0, hi = this.n;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (this.end[mid] < t) lo = mid + 1; else hi = mid;
      }
      return lo;
    }
  }

  class TaskStream {
    constructor(canvas, tooltip) {
      this.canvas = canvas;
      this.tooltip = tooltip;
      this.onChange = null;
      this.reset();
      this.installInput();
    }

    reset() {
      this.rows = [];
      this.order = [];
      this.groups = [];
      this.groupCounts = [];
      this.keys = [];
      this.runs = [];
      this.counts = []; // tasks per bar: 1, or more for short tasks timed together
      this.bars = 0;
      this.dropped = 0;
      this.running = [];
      this.now = 0;
      this.originEpochMs = 0;
      this.busy = new Map();
      this.minT = Infinity;
      this.maxT = -Infinity;
      this.follow = true;
      this.t0 = 0;
      this.t1 = 1;
      this.lastFrameMs = 0;
      this.drawnBars = 0;
      this.requestDraw();
    }

    // A 'tasks' message (see docs/dashboard.md): new rows and groups, then bars as columns.
    addTasks(msg) {
      this.originEpochMs = msg.originEpochMs;
      for (const r of msg.rows) {
        if (!this.rows[r.id]) {
          this.rows[r.id] = new Row(r.id, r.worker, r.thread);
          this.orderRows();
        }
      }
      for (let g = this.groups.length; g < msg.groups.length; g++) {
        this.groups.push(msg.groups[g]);
        this.groupCounts.push(0);
      }
      const n = msg.key.length;
      for (let i = 0; i < n; i++) {
        const task = msg.first + i;
        if (task < this.bars) continue; // already have it (a repeated slice)
        this.keys[task] = msg.key[i];
        this.runs[task] = msg.run[i];
        this.counts[task] = msg.tasks ? msg.tasks[i] : 1;
        const s = msg.start[i], e = msg.end[i];
        this.rows[msg.row[i]].push(s, e, msg.group[i], task, msg.failed[i]);
        this.groupCounts[msg.group[i]]++;
        if (s < this.minT) this.minT = s;
        if (e > this.maxT) this.maxT = e;
        this.bars = task + 1;
      }
      this.dropped = msg.dropped;
      this.changed();
    }

    // A 'status' message: running tasks and per-row busy time of the run in view.
    setStatus(status, run) {
      this.originEpochMs = status.originEpochMs;
      this.now = status.now;
      this.running = status.running;
      for (const r of status.running) {
        if (r.start < this.minT) this.minT = r.start;
      }
      if (status.running.length && status.now > this.maxT) this.maxT = status.now;
      this.busy = new Map();
      if (run && run.balance) {
        for (const rb of run.balance.rows) this.busy.set(rb.row, rb.busyPercent);
      }
      this.changed();
    }

    changed() {
      this.canvas.dataset.bars = String(this.bars);
      this.canvas.dataset.rows = String(this.order.length);
      this.canvas.dataset.groups = this.groups.join(',');
      if (this.onChange) this.onChange(this);
      this.requestDraw();
    }

    orderRows() {
      this.order = this.rows.filter(Boolean).sort((a, b) =>
        naturalCompare(a.worker, b.worker) || naturalCompare(a.thread, b.thread));
    }

    // What the page shows, for people and for tests: counts read from the drawing model, of
    // every bar or of one run's.
    summary(run) {
      const groups = {};
      const rowBars = [];
      let bars = 0, failed = 0, tasks = 0;
      for (const r of this.order) {
        let n = 0;
        for (let i = 0; i < r.n; i++) {
          if (run !== undefined && this.runs[r.task[i]] !== run) continue;
          n++;
          tasks += this.counts[r.task[i]];
          failed += r.failed[i];
          const g = this.groups[r.group[i]];
          groups[g] = (groups[g] || 0) + 1;
        }
        if (n > 0) rowBars.push({ worker: r.worker, thread: r.thread, bars: n });
        bars += n;
      }
      return {
        bars: bars, tasks: tasks, rows: rowBars.length, rowBars: rowBars, groups: groups, failed: failed,
        running: this.running.length, drawnBars: this.drawnBars, lastFrameMs: this.lastFrameMs,
        view: [this.t0, this.t1],
      };
    }

    zoomTo(t0, t1) {
      if (!(t1 > t0)) return;
      this.follow = false;
      this.t0 = t0; this.t1 = t1;
      this.requestDraw();
    }

    fit() {
      this.follow = true;
      this.requestDraw();
    }

    requestDraw() {
      if (this.pending) return;
      this.pending = true;
      const raf = global.requestAnimationFrame || ((f) => setTimeout(f, 16));
      raf(() => { this.pending = false; this.draw(); });
    }

    // Draws one frame now and returns how long it took, in ms.
    draw() {
      const t = performance.now();
      for (const r of this.order) r.sort();
      const canvas = this.canvas;
      const dpr = global.devicePixelRatio || 1;
      const width = Math.max(300, canvas.parentElement ? canvas.parentElement.clientWidth : 800);
      const height = AXIS_H + Math.max(1, this.order.length) * ROW_H + 4;
      if (canvas.width !== Math.round(width * dpr) || canvas.height !== Math.round(height * dpr)) {
        canvas.width = Math.round(width * dpr);
        canvas.height = Math.round(height * dpr);
        canvas.style.width = width + 'px';
        canvas.style.height = height + 'px';
      }
      const ctx = canvas.getContext('2d');
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.clearRect(0, 0, width, height);
      if (this.follow) {
        if (this.minT === Infinity) { this.t0 = 0; this.t1 = 1; } else {
          const pad = Math.max(1e-3, (this.maxT - this.minT) * 0.01);
          this.t0 = this.minT - pad; this.t1 = this.maxT + pad;
        }
      }
      const plotW = width - GUTTER;
      const k = plotW / (this.t1 - this.t0);
      this.drawAxis(ctx, plotW, k);
      let drawn = 0;
      const failedBars = [];
      ctx.font = '12px sans-serif';
      ctx.textBaseline = 'middle';
      for (let ri = 0; ri < this.order.length; ri++) {
        const row = this.order[ri];
        const y = AXIS_H + ri * ROW_H;
        if (ri % 2 === 1) { ctx.fillStyle = '#f6f6f6'; ctx.fillRect(GUTTER, y, plotW, ROW_H); }
        this.drawLabel(ctx, row, y);
        const barY = y + (ROW_H - BAR_H) / 2;
        let lastPx = -1;
        let fill = null;
        for (let i = row.firstEndingAfter(this.t0); i < row.n; i++) {
          const s = row.start[i];
          if (s > this.t1) break;
          const x0 = GUTTER + Math.max(0, (s - this.t0) * k);
          const x1 = GUTTER + Math.min(plotW, (row.end[i] - this.t0) * k);
          if (row.failed[i]) failedBars.push(x0, barY, Math.max(1, x1 - x0));
          if (x1 <= lastPx) continue; // this pixel column is painted already
          const from = Math.max(x0, lastPx);
          const w = Math.max(1, x1 - from);
          const color = colorOf(row.group[i]);
          if (color !== fill) { ctx.fillStyle = color; fill = color; }
          ctx.fillRect(from, barY, w > 3 ? w - 1 : w, BAR_H); // a 1 px gap keeps neighbours apart
          lastPx = from + w;
          drawn++;
        }
      }
      this.drawRunning(ctx, k, plotW);
      ctx.strokeStyle = FAILED;
      ctx.lineWidth = 2;
      for (let i = 0; i < failedBars.length; i += 3) {
        ctx.strokeRect(failedBars[i], failedBars[i + 1], failedBars[i + 2], BAR_H);
        ctx.fillStyle = FAILED;
        ctx.fillRect(failedBars[i], failedBars[i + 1] - 3, failedBars[i + 2], 3);
      }
      this.drawnBars = drawn;
      this.lastFrameMs = performance.now() - t;
      canvas.dataset.frameMs = this.lastFrameMs.toFixed(2);
      return this.lastFrameMs;
    }

    drawLabel(ctx, row, y) {
      const busy = this.busy.get(row.id);
      ctx.fillStyle = '#333';
      // One worker: the thread names the row; several: worker / thread. Cut from the left,
      // where thread names repeat, to fit before the busy figure.
      let label = this.multipleWorkers() ? row.worker + ' / ' + row.thread : row.thread;
      const room = GUTTER - 92;
      if (ctx.measureText(label).width > room) {
        while (label.length > 1 && ctx.measureText('\u2026' + label).width > room) label = label.slice(1);
        label = '\u2026' + label;
      }
      ctx.fillText(label, 4, y + ROW_H / 2);
      if (busy !== undefined) {
        // How busy the row was in the selected run: a figure and a small meter.
        const mx = GUTTER - 48;
        ctx.fillStyle = '#000';
        ctx.textAlign = 'right';
        ctx.fillText(busy.toFixed(busy >= 99.95 ? 0 : 1) + '%', mx - 6, y + ROW_H / 2);
        ctx.textAlign = 'left';
        ctx.fillStyle = '#ddd'; ctx.fillRect(mx, y + 6, 40, ROW_H - 12);
        ctx.fillStyle = busy >= 90 ? '#59a14f' : busy >= 60 ? '#edc948' : '#e15759';
        ctx.fillRect(mx, y + 6, 40 * Math.min(100, busy) / 100, ROW_H - 12);
      }
    }

    multipleWorkers() {
      const first = this.order.length ? this.order[0].worker : null;
      return this.order.some((r) => r.worker !== first);
    }

    drawRunning(ctx, k, plotW) {
      const byId = new Map(this.order.map((r, i) => [r.id, i]));
      for (const r of this.running) {
        const ri = byId.get(r.row);
        if (ri === undefined) continue;
        const y = AXIS_H + ri * ROW_H + (ROW_H - BAR_H) / 2;
        const x0 = GUTTER + Math.max(0, (r.start - this.t0) * k);
        const x1 = GUTTER + Math.min(plotW, (Math.max(this.now, r.start) - this.t0) * k);
        if (x1 < GUTTER || x0 > GUTTER + plotW) continue;
        ctx.globalAlpha = 0.45;
        ctx.fillStyle = colorOf(r.group);
        ctx.fillRect(x0, y, Math.max(2, x1 - x0), BAR_H);
        ctx.globalAlpha = 1;
      }
    }

    drawAxis(ctx, plotW, k) {
      const span = this.t1 - this.t0;
      const step = niceStep(span / Math.max(2, plotW / 110));
      ctx.fillStyle = '#555';
      ctx.strokeStyle = '#e3e3e3';
      ctx.lineWidth = 1;
      ctx.font = '11px sans-serif';
      ctx.textBaseline = 'middle';
      const height = this.canvas.height / (global.devicePixelRatio || 1);
      for (let v = Math.ceil(this.t0 / step) * step; v <= this.t1; v += step) {
        const x = GUTTER + (v - this.t0) * k;
        ctx.beginPath(); ctx.moveTo(x + 0.5, AXIS_H - 4); ctx.lineTo(x + 0.5, height); ctx.stroke();
        ctx.fillText(formatMs(v), x + 3, AXIS_H / 2);
      }
    }

    // The bar under a point of the canvas, or null.
    barAt(px, py) {
      const ri = Math.floor((py - AXIS_H) / ROW_H);
      if (ri < 0 || ri >= this.order.length || px < GUTTER) return null;
      const row = this.order[ri];
      const k = (this.canvas.clientWidth - GUTTER) / (this.t1 - this.t0);
      const t = this.t0 + (px - GUTTER) / k;
      const slack = 3 / k; // 3 px, so that hair-thin bars can be hovered
      let i = row.firstEndingAfter(t - slack);
      let best = null;
      for (; i < row.n && row.start[i] <= t + slack; i++) {
        if (best === null || Math.abs((row.start[i] + row.end[i]) / 2 - t) < Math.abs((row.start[best] + row.end[best]) / 2 - t)) best = i;
      }
      if (best === null) return null;
      const task = row.task[best];
      return {
        key: this.keys[task], group: this.groups[row.group[best]], worker: row.worker,
        thread: row.thread, start: row.start[best], durationMs: row.end[best] - row.start[best],
        failed: row.failed[best] === 1, run: this.runs[task], tasks: this.counts[task],
      };
    }

    installInput() {
      const c = this.canvas;
      let drag = null;
      c.addEventListener('wheel', (e) => {
        e.preventDefault();
        const rect = c.getBoundingClientRect();
        const px = e.clientX - rect.left - GUTTER;
        if (px < 0) return;
        const k = (rect.width - GUTTER) / (this.t1 - this.t0);
        const t = this.t0 + px / k;
        const f = Math.pow(1.0015, e.deltaY); // > 1 zooms out
        this.zoomTo(t - (t - this.t0) * f, t + (this.t1 - t) * f);
      }, { passive: false });
      c.addEventListener('mousedown', (e) => { drag = { x: e.clientX, t0: this.t0, t1: this.t1 }; });
      global.addEventListener('mouseup', () => { drag = null; });
      c.addEventListener('dblclick', () => this.fit());
      c.addEventListener('mousemove', (e) => {
        const rect = c.getBoundingClientRect();
        if (drag) {
          const k = (rect.width - GUTTER) / (drag.t1 - drag.t0);
          const dt = (e.clientX - drag.x) / k;
          this.zoomTo(drag.t0 - dt, drag.t1 - dt);
          return;
        }
        this.hover(e.clientX - rect.left, e.clientY - rect.top, e.pageX, e.pageY);
      });
      c.addEventListener('mouseleave', () => { if (this.tooltip) this.tooltip.style.display = 'none'; });
    }

    hover(px, py, pageX, pageY) {
      const tip = this.tooltip;
      if (!tip) return;
      const bar = this.barAt(px, py);
      if (!bar) { tip.style.display = 'none'; return; }
      tip.textContent = '';
      const lines = bar.tasks > 1 ? [
        // Tasks too short to time one by one: one bar for all of them (see docs/dashboard.md).
        ['tasks', bar.tasks + ' short tasks, timed together'], ['first', bar.key],
        ['worker', bar.worker + ' / ' + bar.thread], ['duration', formatMs(bar.durationMs) + ' in all'],
        ['start', formatMs(bar.start)], ['run', '#' + bar.run],
      ] : [
        ['key', bar.key], ['group', bar.group], ['worker', bar.worker + ' / ' + bar.thread],
        ['duration', formatMs(bar.durationMs)], ['start', formatMs(bar.start)], ['run', '#' + bar.run],
      ];
      if (bar.failed) lines.push(['state', bar.tasks > 1 ? 'the last one FAILED' : 'FAILED']);
      for (const [name, value] of lines) {
        const div = document.createElement('div');
        const b = document.createElement('b');
        b.textContent = name + ': ';
        div.appendChild(b);
        div.appendChild(document.createTextNode(value));
        tip.appendChild(div);
      }
      tip.style.display = 'block';
      tip.style.left = (pageX + 12) + 'px';
      tip.style.top = (pageY + 12) + 'px';
    }

    // The time span of one run's bars, [first start, last end].
    spanOf(run) {
      let t0 = Infinity, t1 = -Infinity;
      for (const r of this.order) {
        for (let i = 0; i < r.n; i++) {
          if (this.runs[r.task[i]] !== run) continue;
          if (r.start[i] < t0) t0 = r.start[i];
          if (r.end[i] > t1) t1 = r.end[i];
        }
      }
      return [t0, t1];
    }

    // Draws n frames over the window [t0, t1], panning 1% of it per frame after the first (as
    // a user dragging would), and returns the time spent in draw(): for docs/dashboard.md.
    benchmark(n, window) {
      if (window) this.zoomTo(window[0], window[1]);
      const times = [];
      for (let i = 0; i < n; i++) {
        if (i > 0 && !this.follow) {
          const d = (this.t1 - this.t0) * 0.01;
          this.t0 += d; this.t1 += d;
        }
        times.push(this.draw());
      }
      times.sort((a, b) => a - b);
      return { frames: n, medianMs: times[n >> 1], maxMs: times[n - 1], drawnBars: this.drawnBars, bars: this.bars };
    }

    // The same as frames the browser actually presents: n animation frames, each panning and
    // drawing; calls done(ms per frame, including rasterisation and compositing).
    benchmarkFrames(n, window, done) {
      if (window) this.zoomTo(window[0], window[1]);
      const start = performance.now();
      let left = n;
      const step = () => {
        const d = (this.t1 - this.t0) * 0.01;
        this.t0 += d; this.t1 += d;
        this.draw();
        if (--left > 0) requestAnimationFrame(step); else done((performance.now() - start) / n);
      };
      requestAnimationFrame(step);
    }
  }

  function niceStep(raw) {
    const p = Math.pow(10, Math.floor(Math.log10(raw)));
    const m = raw / p;
    return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
  }

  function formatMs(ms) {
    const a = Math.abs(ms);
    if (a >= 1000) return (ms / 1000).toFixed(a >= 10000 ? 1 : 2) + ' s';
    if (a >= 1) return ms.toFixed(a >= 100 ? 0 : 1) + ' ms';
    return (ms * 1000).toFixed(0) + ' \u00b5s';
  }

  global.jdask = global.jdask || {};
  global.jdask.TaskStream = TaskStream;
  global.jdask.colorOf = colorOf;
  global.jdask.formatMs = formatMs;
})(window);
