// The pages around the task stream: the WebSocket feed, the legend, the load-balance panel,
// progress and workers. Plain DOM, no framework; every figure shown is also in the JSON API.
(function (global) {
  'use strict';
  const jd = global.jdask;

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'style') e.style.cssText = v; else if (k.startsWith('data-')) e.setAttribute(k, v); else e[k] = v;
    }
    for (const c of children) e.append(c);
    return e;
  }

  function bytes(n) {
    if (n < 0) return 'n/a';
    const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let i = 0;
    while (n >= 1024 && i < u.length - 1) { n /= 1024; i++; }
    return n.toFixed(i ? 1 : 0) + ' ' + u[i];
  }

  // Opens the WebSocket and hands each message to the page; reconnects, starting over, if the
  // dashboard restarts.
  function connect(handlers) {
    const state = document.getElementById('conn');
    const open = () => {
      const ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws');
      ws.onopen = () => { if (state) state.textContent = 'live'; handlers.reset && handlers.reset(); };
      ws.onmessage = (m) => {
        const msg = JSON.parse(m.data);
        if (msg.type === 'tasks' && handlers.tasks) handlers.tasks(msg);
        else if (msg.type === 'status' && handlers.status) handlers.status(msg);
      };
      ws.onclose = () => { if (state) state.textContent = 'disconnected, retrying'; setTimeout(open, 1000); };
    };
    open();
  }

  function renderLegend(node, stream) {
    node.textContent = '';
    stream.groups.forEach((g, i) => {
      node.append(el('span', { className: 'legend-item', 'data-group': g },
        el('span', { className: 'swatch', style: 'background:' + jd.colorOf(i) }), g + ' (' + stream.groupCounts[i] + ')'));
    });
    if (stream.dropped > 0) node.append(el('span', { className: 'warn' }, stream.dropped + ' bars not kept (limit reached)'));
  }

  // Makespan against its lower bound: how far the schedule is from perfectly balanced.
  function renderBalance(node, run) {
    node.textContent = '';
    if (!run) { node.append('No computation yet.'); return; }
    const b = run.balance;
    node.dataset.run = String(run.id);
    node.dataset.makespanMs = String(b.makespanMs);
    node.dataset.lowerBoundMs = String(b.lowerBoundMs);
    node.append(el('b', {}, 'Run #' + run.id + ' on ' + run.backend + ' (' + run.state + '): '),
      'makespan ' + jd.formatMs(b.makespanMs) + ', lower bound ' + jd.formatMs(b.lowerBoundMs) +
      ' (task time ' + jd.formatMs(b.busyMs) + ' / ' + b.threads + ' threads), efficiency ' +
      Math.round(100 * b.efficiency) + '%, idle ' + jd.formatMs(b.idleMs) +
      ', longest task ' + jd.formatMs(b.longestTaskMs) + '.');
  }

  function renderProgress(node, runs, limit) {
    node.textContent = '';
    const shown = runs.slice(-(limit || 10)).reverse();
    if (!shown.length) { node.append(el('p', {}, 'No computation yet.')); return; }
    for (const run of shown) {
      const box = el('section', { className: 'run', 'data-run': String(run.id) });
      const done = run.groups.reduce((a, g) => a + g.done, 0);
      const total = run.groups.reduce((a, g) => a + g.total, 0);
      box.append(el('h3', {}, 'Run #' + run.id + ' on ' + run.backend + ' \u2014 ' + run.state +
        ' \u2014 ' + done + ' / ' + total + ' tasks' + (run.error ? ' \u2014 ' + run.error : '')));
      for (const g of run.groups) {
        const total = Math.max(1, g.total);
        const bar = el('div', { className: 'pbar' });
        for (const [part, cls] of [['done', 'done'], ['running', 'running'], ['failed', 'failed'], ['waiting', 'waiting']]) {
          if (g[part] > 0) bar.append(el('span', { className: cls, style: 'width:' + (100 * g[part] / total) + '%' }));
        }
        box.append(el('div', {
          className: 'group', 'data-group': g.group, 'data-done': String(g.done), 'data-running': String(g.running),
          'data-failed': String(g.failed), 'data-waiting': String(g.waiting), 'data-total': String(g.total),
        }, el('span', { className: 'gname' }, g.group), bar,
        el('span', { className: 'counts' }, g.done + ' done, ' + g.running + ' running, ' + g.waiting + ' waiting' +
          (g.failed ? ', ' + g.failed + ' failed' : '') + ' of ' + g.total)));
      }
      node.append(box);
    }
  }

  function renderWorkers(node, workers) {
    node.textContent = '';
    const head = el('tr', {}, ...['worker', 'where', 'threads', 'tasks running', 'heap used', 'heap max', 'off-heap', 'CPU (cores)']
      .map((h) => el('th', {}, h)));
    const table = el('table', { className: 'workers' }, head);
    for (const w of workers) {
      const heapPct = w.heapMaxBytes > 0 ? 100 * w.heapUsedBytes / w.heapMaxBytes : 0;
      table.append(el('tr', { 'data-worker': w.worker },
        el('td', {}, w.worker), el('td', {}, w.inProcess ? 'this JVM' : 'own process'),
        el('td', {}, String(w.threads)), el('td', {}, String(w.tasksRunning)),
        el('td', {}, el('div', { className: 'meter' }, el('span', { style: 'width:' + heapPct + '%' })), bytes(w.heapUsedBytes)),
        el('td', {}, bytes(w.heapMaxBytes)), el('td', {}, bytes(w.offHeapUsedBytes)),
        el('td', {}, w.cpuCores < 0 ? 'n/a' : w.cpuCores.toFixed(2))));
    }
    node.append(table);
    node.append(el('p', { className: 'note' }, 'In-process backends (sync, threads, executor) share this JVM: their memory and CPU are the JVM\'s. ' +
      'Off-heap is direct and mapped NIO buffers, which is where Arrow\'s allocator takes memory.'));
  }

  // The task stream page (also the report): stream + legend + balance + run picker + progress.
  function streamPage(data) {
    const stream = new jd.TaskStream(document.getElementById('stream'), document.getElementById('tooltip'));
    jd.stream = stream;
    const legend = document.getElementById('legend');
    const balance = document.getElementById('balance');
    const picker = document.getElementById('run');
    const progress = document.getElementById('progress');
    let status = null;
    let legendCount = -1;
    const selectedRun = () => {
      if (!status || !status.runs.length) return null;
      const id = picker && picker.value ? Number(picker.value) : null;
      return status.runs.find((r) => r.id === id) || status.runs[status.runs.length - 1];
    };
    const onStatus = (s) => {
      status = s;
      if (picker) {
        const keep = picker.value;
        const ids = s.runs.map((r) => String(r.id));
        if (picker.options.length !== ids.length + 1) {
          picker.textContent = '';
          picker.append(el('option', { value: '' }, 'latest run'));
          for (const r of s.runs.slice().reverse()) picker.append(el('option', { value: String(r.id) }, '#' + r.id + ' ' + r.backend));
          picker.value = ids.includes(keep) ? keep : '';
        }
      }
      const run = selectedRun();
      stream.setStatus(s, run);
      renderBalance(balance, run);
      if (progress) renderProgress(progress, s.runs, 3);
    };
    stream.onChange = () => {
      if (stream.groups.length + stream.bars !== legendCount) { renderLegend(legend, stream); legendCount = stream.groups.length + stream.bars; }
    };
    if (picker) picker.addEventListener('change', () => { if (status) onStatus(status); });
    const zoomRun = document.getElementById('zoom-run');
    if (zoomRun) zoomRun.addEventListener('click', () => {
      const r = selectedRun();
      if (r) stream.zoomTo(r.start, r.end >= 0 ? r.end : stream.now);
    });
    const fit = document.getElementById('fit');
    if (fit) fit.addEventListener('click', () => stream.fit());
    global.addEventListener('resize', () => stream.requestDraw());
    if (data) {
      for (const t of data.tasks) stream.addTasks(t);
      onStatus(data.status);
    } else {
      connect({ reset: () => stream.reset(), tasks: (m) => stream.addTasks(m), status: onStatus });
    }
    return stream;
  }

  function progressPage() {
    const node = document.getElementById('progress');
    connect({ status: (s) => renderProgress(node, s.runs, 10) });
  }

  function workersPage() {
    const node = document.getElementById('workers');
    connect({ status: (s) => renderWorkers(node, s.workers) });
  }

  jd.pages = { streamPage, progressPage, workersPage, renderProgress, renderWorkers, el };
})(window);
