// The graph page: the latest run of at most 5,000 tasks, or the graph given to
// dashboard.showGraph(...), left to right by depth, each task coloured by its state. Polls
// /api/graph once a second: the structure is fixed and the states are a few bytes per node,
// so polling is simpler than another WebSocket message.
(function () {
  'use strict';
  const COLORS = { waiting: '#cccccc', running: '#4e79a7', memory: '#59a14f', released: '#a7d3a0', failed: '#d62728' };
  const canvas = document.getElementById('graph');
  const note = document.getElementById('graph-note');
  const tip = document.getElementById('tooltip');
  let layout = null;
  let graph = null;

  // Depth of a node = longest path from a source; nodes of one depth form a column.
  function lay(g) {
    const n = g.nodes.length;
    const depth = new Int32Array(n);
    const indeg = new Int32Array(n);
    const out = Array.from({ length: n }, () => []);
    for (const [a, b] of g.edges) { out[a].push(b); indeg[b]++; }
    const queue = [];
    for (let i = 0; i < n; i++) if (indeg[i] === 0) queue.push(i);
    for (let q = 0; q < queue.length; q++) {
      const a = queue[q];
      for (const b of out[a]) { depth[b] = Math.max(depth[b], depth[a] + 1); if (--indeg[b] === 0) queue.push(b); }
    }
    const columns = [];
    for (let i = 0; i < n; i++) (columns[depth[i]] = columns[depth[i]] || []).push(i);
    const tallest = Math.max(1, ...columns.map((c) => (c ? c.length : 0)));
    const dy = Math.max(3, Math.min(26, 6000 / tallest));
    const dx = Math.max(40, Math.min(140, 1400 / Math.max(1, columns.length)));
    const r = Math.max(1.5, Math.min(8, dy / 2.5));
    const x = new Float64Array(n), y = new Float64Array(n);
    columns.forEach((col, d) => (col || []).forEach((node, k) => {
      x[node] = 20 + d * dx;
      y[node] = 20 + (k + (tallest - col.length) / 2) * dy;
    }));
    return { x, y, r, width: 40 + (columns.length - 1) * dx, height: 40 + tallest * dy };
  }

  function draw() {
    const ctx = canvas.getContext('2d');
    canvas.width = Math.max(300, layout.width);
    canvas.height = Math.max(100, layout.height);
    ctx.strokeStyle = 'rgba(0,0,0,0.25)';
    ctx.beginPath();
    for (const [a, b] of graph.edges) { ctx.moveTo(layout.x[a], layout.y[a]); ctx.lineTo(layout.x[b], layout.y[b]); }
    ctx.stroke();
    const counts = {};
    for (const node of graph.nodes) {
      ctx.fillStyle = COLORS[node.state] || '#000';
      ctx.beginPath();
      ctx.arc(layout.x[node.id], layout.y[node.id], layout.r, 0, 2 * Math.PI);
      ctx.fill();
      counts[node.state] = (counts[node.state] || 0) + 1;
    }
    canvas.dataset.run = String(graph.run);
    canvas.dataset.nodes = String(graph.nodes.length);
    canvas.dataset.states = JSON.stringify(counts);
    note.textContent = (graph.run >= 0 ? 'Run ' + graph.run + ': ' : '') +
      graph.nodes.length + ' tasks, ' + graph.edges.length + ' edges: ' +
      Object.entries(counts).map(([s, c]) => c + ' ' + s).join(', ') +
      '. Grey: waiting, blue: running, green: in memory, pale green: released, red: failed.';
  }

  async function poll() {
    try {
      const g = await (await fetch('api/graph')).json();
      if (!g.nodes.length) {
        // Nothing to draw (no run yet, or the latest run is too large): do not leave the old one.
        graph = null;
        canvas.getContext('2d').clearRect(0, 0, canvas.width, canvas.height);
        delete canvas.dataset.run; delete canvas.dataset.nodes; delete canvas.dataset.states;
        note.textContent = g.note;
      } else {
        // Another run's graph may have as many nodes and edges: compare the run too.
        if (!graph || graph.run !== g.run || graph.nodes.length !== g.nodes.length ||
            graph.edges.length !== g.edges.length) layout = lay(g);
        graph = g;
        draw();
      }
      document.getElementById('conn').textContent = 'polling';
    } catch (e) {
      document.getElementById('conn').textContent = 'disconnected';
    }
    setTimeout(poll, 1000);
  }

  canvas.addEventListener('mousemove', (e) => {
    if (!graph) return;
    const rect = canvas.getBoundingClientRect();
    const px = e.clientX - rect.left, py = e.clientY - rect.top;
    let best = -1, bestD = (layout.r + 3) * (layout.r + 3);
    for (let i = 0; i < graph.nodes.length; i++) {
      const d = (layout.x[i] - px) ** 2 + (layout.y[i] - py) ** 2;
      if (d < bestD) { bestD = d; best = i; }
    }
    if (best < 0) { tip.style.display = 'none'; return; }
    const n = graph.nodes[best];
    tip.textContent = n.key + ' (' + n.group + '): ' + n.state;
    tip.style.display = 'block';
    tip.style.left = (e.pageX + 12) + 'px';
    tip.style.top = (e.pageY + 12) + 'px';
  });
  poll();
})();
