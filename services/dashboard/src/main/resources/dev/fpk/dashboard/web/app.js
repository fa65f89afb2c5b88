// fpk live page: draws one (run, layer, entry) with Chart.js. Live mode follows the server's
// event stream (api/events); static mode (the HTML report) draws window.FPK_REPORT, no network.
// Units: x in weight units or steps; drift in weight units per step; D in weight units^2 per step
// (dW = mu dt + sqrt(2D) dB); densities per unit weight; outputs y = W h in output units.
(function () {
  'use strict';
  var report = window.FPK_REPORT || null;
  // read by the browser test and handy in the console
  var state = window.fpkState = {
    mode: report ? 'static' : 'live', updates: 0, lastStep: -1, points: {}, latencyMs: null,
    latencies: [], pageLatencyMs: null, pageLatencies: [], selection: null, error: null
  };
  var COLORS = {
    theory: '#d62728', data: 'rgba(31,119,180,0.35)', dataLine: '#1f77b4', band: 'rgba(44,160,44,0.18)',
    line: '#2ca02c', fit: '#555', w1: '#1f77b4', js: '#ff7f0e', hellinger: '#9467bd', zero: '#999',
    floor: '#7f7f7f', energy: '#8c564b'
  };
  var catalog = [];
  var selection = readHash();
  var source = null;
  var charts = {};
  var lastEntry = null;
  var redrawing = false; // a redraw of the last entry (panels.js) is not a new update

  function $(id) { return document.getElementById(id); }

  function axis(title, extra) {
    var a = { type: 'linear', title: { display: true, text: title },
      ticks: { callback: function (v) { return fmt(v); } } };
    for (var k in extra || {}) { a[k] = extra[k]; }
    return a;
  }

  function makeChart(id, xTitle, yTitle, scalesExtra) {
    var scales = { x: axis(xTitle), y: axis(yTitle) };
    for (var k in scalesExtra || {}) { scales[k] = scalesExtra[k]; }
    return new Chart($(id), {
      type: 'line',
      data: { datasets: [] },
      options: {
        animation: false, responsive: true, maintainAspectRatio: false, normalized: true,
        interaction: { mode: 'nearest', intersect: false },
        elements: { point: { radius: 0 }, line: { borderWidth: 2 } },
        scales: scales,
        plugins: {
          legend: { labels: { boxWidth: 12, filter: function (item) { return item.text.charAt(0) !== '_'; } } },
          tooltip: { callbacks: { label: function (c) {
            var unit = c.dataset.unit ? ' ' + c.dataset.unit : '';
            return (c.dataset.label || '').replace(/^_/, '') + ': ' + fmt(c.parsed.y) + unit;
          } } }
        }
      }
    });
  }

  // short numbers for ticks and labels: 3 significant digits, exponent form outside [1e-3, 1e4)
  function fmt(x) {
    if (x === null || x === undefined || !isFinite(x)) { return 'n/a'; }
    var a = Math.abs(x);
    if (a === 0) { return '0'; }
    return (a < 1e-3 || a >= 1e4) ? x.toExponential(2) : String(parseFloat(x.toPrecision(3)));
  }

  function initCharts() {
    charts.density = makeChart('density', 'w (weight units)', 'density (per unit weight)');
    charts.drift = makeChart('drift', 'w (weight units)', 'mu (weight units / step)');
    charts.diffusion = makeChart('diffusion', 'w (weight units)', 'D (weight units^2 / step)');
    charts.beta = makeChart('beta', 'w (weight units)', 'beta = mu (weight units / step)');
    charts.alignment = makeChart('alignment', 'step', 'W1 (weight units)',
      { y1: axis('JS (nats), Hellinger', { position: 'right', grid: { drawOnChartArea: false } }) });
    charts.outputs = makeChart('outputs', 'step', 'sliced W1 (output units)',
      { y1: axis('energy distance (output units)', { position: 'right', grid: { drawOnChartArea: false } }) });
  }

  function pts(xs, ys) {
    var out = [];
    if (!xs || !ys) { return out; }
    for (var i = 0; i < xs.length && i < ys.length; i++) { out.push({ x: xs[i], y: ys[i] }); }
    return out;
  }

  function shifted(xs, ys, errs, sign) {
    var out = [];
    if (!xs || !ys || !errs) { return out; }
    for (var i = 0; i < xs.length; i++) {
      var ok = ys[i] !== null && errs[i] !== null;
      out.push({ x: xs[i], y: ok ? ys[i] + sign * errs[i] : null });
    }
    return out;
  }

  function counted(data) {
    var n = 0;
    data.forEach(function (p) { if (p.y !== null && p.y !== undefined && isFinite(p.y)) { n++; } });
    return n;
  }

  function line(label, data, color, unit, extra) {
    var d = { label: label, data: data, borderColor: color, backgroundColor: color, fill: false, unit: unit, pointRadius: 0 };
    for (var k in extra || {}) { d[k] = extra[k]; }
    return d;
  }

  function band(field, unit) {
    return [
      line('_+1 se', shifted(field.grid, field.values, field.stdErr, 1), 'rgba(0,0,0,0)', unit, { borderWidth: 0 }),
      line('_-1 se', shifted(field.grid, field.values, field.stdErr, -1), 'rgba(0,0,0,0)', unit,
        { borderWidth: 0, fill: '-1', backgroundColor: COLORS.band })
    ];
  }

  function drawDensity(e) {
    var d = e.density;
    var hist = [];
    var theory = [];
    if (d && d.edges && d.edges.length > 1) {
      for (var i = 0; i + 1 < d.edges.length; i++) {
        hist.push({ x: d.edges[i], y: d.empirical[i] });
        theory.push({ x: 0.5 * (d.edges[i] + d.edges[i + 1]), y: d.theory[i] });
      }
      hist.push({ x: d.edges[d.edges.length - 1], y: d.empirical[d.empirical.length - 1] });
    }
    charts.density.data.datasets = [
      line('replicas (histogram)', hist, COLORS.dataLine, 'per unit weight',
        { stepped: 'after', fill: 'origin', backgroundColor: COLORS.data, borderWidth: 1 }),
      line('Fokker-Planck', theory, COLORS.theory, 'per unit weight')
    ];
    charts.density.options.plugins.title = { display: !!d, text: d ? 'step ' + d.step : '' };
    state.points.density = Math.min(counted(hist), counted(theory));
  }

  function drawField(chart, field, unit, label, fit) {
    var data = field ? pts(field.grid, field.values) : [];
    var sets = field ? band(field, unit) : [];
    sets.push(line(label, data, COLORS.line, unit));
    if (fit) { sets.push(line(fit.label, fit.data, COLORS.fit, unit, { borderDash: [6, 4], borderWidth: 1 })); }
    chart.data.datasets = sets;
    return counted(data);
  }

  function drawDrift(e) {
    var f = e.drift;
    var fit = null;
    if (f && f.grid && f.grid.length && f.slope !== null) {
      var g = f.grid;
      fit = { label: 'OU fit ' + fmt(f.slope) + '·w + ' + fmt(f.intercept),
        data: [g[0], g[g.length - 1]].map(function (w) { return { x: w, y: f.slope * w + f.intercept }; }) };
    }
    state.points.drift = drawField(charts.drift, f, 'weight units / step', 'drift mu', fit);
  }

  function drawDiffusion(e) {
    var f = e.diffusion;
    var fit = null;
    if (f && f.grid && f.grid.length && f.mean !== null) {
      var g = f.grid;
      fit = { label: 'mean D ' + fmt(f.mean), data: [{ x: g[0], y: f.mean }, { x: g[g.length - 1], y: f.mean }] };
    }
    state.points.diffusion = drawField(charts.diffusion, f, 'weight units^2 / step', 'diffusion D', fit);
  }

  function drawBeta(e) {
    var f = e.drift;
    var data = f ? pts(f.grid, f.values) : [];
    var fixed = (e.fixedPoints || []).map(function (p) { return { x: p.w, y: 0, slope: p.slope }; });
    var sets = [line('beta(w) = mu(w)', data, COLORS.line, 'weight units / step')];
    if (data.length) {
      sets.push(line('_zero', [{ x: data[0].x, y: 0 }, { x: data[data.length - 1].x, y: 0 }], COLORS.zero, '',
        { borderDash: [2, 3], borderWidth: 1 }));
    }
    sets.push(line('fixed points', fixed, COLORS.theory, 'weight units', {
      showLine: false, pointRadius: 7, pointHoverRadius: 8, borderWidth: 2,
      pointBackgroundColor: fixed.map(function (p) { return p.slope < 0 ? COLORS.theory : '#fff'; })
    }));
    charts.beta.data.datasets = sets;
    state.points.beta = counted(data);
    state.points.fixedPoints = fixed.length;
  }

  function drawAlignment(e) {
    var h = e.alignment || [];
    function series(key) { return h.map(function (a) { return { x: a.step, y: a[key] }; }); }
    charts.alignment.data.datasets = [
      line('W1', series('w1'), COLORS.w1, 'weight units', { yAxisID: 'y' }),
      line('W1 sampling floor (replica halves)', series('samplingFloorW1'), COLORS.floor, 'weight units',
        { yAxisID: 'y', borderDash: [6, 4], borderWidth: 1 }),
      line('W1 bootstrap floor (draws from the theory)', series('bootstrapFloorW1'), COLORS.floor, 'weight units',
        { yAxisID: 'y', borderDash: [1, 3], borderWidth: 1 }),
      line('Jensen-Shannon', series('js'), COLORS.js, 'nats', { yAxisID: 'y1' }),
      line('Hellinger', series('hellinger'), COLORS.hellinger, '', { yAxisID: 'y1' })
    ];
    state.points.alignment = h.length;
    drawVerdict(h);
  }

  // the verdict of the last VERDICT_STEPS steps: one step's p-value rejects a right theory 1 time in 20
  var VERDICT_STEPS = 100;
  function drawVerdict(h) {
    var judged = h.slice(-VERDICT_STEPS).filter(function (a) { return typeof a.pValue === 'number'; });
    var badge = $('verdict');
    if (!judged.length) {
      badge.textContent = 'no verdict yet';
      badge.className = 'verdict';
      state.verdict = null;
      return;
    }
    var rejected = judged.filter(function (a) { return a.pValue < 0.05; }).length;
    var share = rejected / judged.length;
    var word = share <= 0.10 ? 'agrees' : share <= 0.25 ? 'borderline' : 'disagrees';
    badge.textContent = 'theory ' + word + ': rejected at ' + rejected + ' of the last ' + judged.length
      + ' steps (p < 0.05), last p = ' + fmt(judged[judged.length - 1].pValue);
    badge.className = 'verdict ' + word;
    state.verdict = { word: word, rejected: rejected, steps: judged.length };
  }

  // theory against experiment through y = W h on the probe inputs, one line per theory model
  function drawOutputs(e) {
    var all = e.outputs || [];
    var models = [];
    all.forEach(function (o) { if (models.indexOf(o.model) < 0) { models.push(o.model); } });
    function series(key, model) {
      return all.filter(function (o) { return o.model === model; }).map(function (o) { return { x: o.step, y: o[key] }; });
    }
    var sets = [];
    models.forEach(function (m, i) {
      var dash = i === 0 ? [] : [2, 2];
      sets.push(line('sliced W1, ' + m + ' theory', series('slicedW1', m), COLORS.theory, 'output units',
        { yAxisID: 'y', borderDash: dash }));
      sets.push(line('energy, ' + m + ' theory', series('energy', m), COLORS.energy, 'output units',
        { yAxisID: 'y1', borderDash: dash }));
    });
    if (models.length) {
      // the floor does not depend on the model: the first model's
      sets.push(line('sliced W1 floor (replica halves)', series('slicedW1Floor', models[0]), COLORS.floor,
        'output units', { yAxisID: 'y', borderDash: [6, 4], borderWidth: 1 }));
      sets.push(line('energy floor (replica halves)', series('energyFloor', models[0]), COLORS.fit,
        'output units', { yAxisID: 'y1', borderDash: [2, 3], borderWidth: 1 }));
    }
    charts.outputs.data.datasets = sets;
    var last = all[all.length - 1];
    var newest = all.filter(function (o) { return last && o.step === last.step; });
    $('outputs-note').textContent = last
      ? 'step ' + last.step + ': ' + last.probes + ' probe inputs per replica, ' + last.theorySamples
        + ' matrices drawn from each theory; sliced W1 ' + newest.map(function (o) {
          return fmt(o.slicedW1) + ' (' + o.model + ')'; }).join(', ') + ' against a floor of '
        + fmt(last.slicedW1Floor) + ' output units'
      : 'no probe inputs yet: trainers that publish probe inputs get this comparison';
    state.points.outputs = all.length;
  }

  // the newest scored forecast of each horizon, by horizon
  function latestForecasts(history) {
    var byHorizon = {};
    history.forEach(function (a) { (a.forecasts || []).forEach(function (f) { byHorizon[f.horizon] = f; }); });
    return Object.keys(byHorizon).map(Number).sort(function (a, b) { return a - b; })
      .map(function (k) { return byHorizon[k]; });
  }

  function drawFigures(e) {
    var parts = [];
    if (e.drift) { parts.push('drift slope ' + fmt(e.drift.slope) + ' ± ' + fmt(e.drift.slopeStdErr) + ' per step'); }
    if (e.diffusion) { parts.push('mean D ' + fmt(e.diffusion.mean) + ' ± ' + fmt(e.diffusion.meanStdErr) + ' weight units² per step'); }
    if (e.flowShare !== undefined) { parts.push('flow share ' + fmt(e.flowShare)); }
    if (e.pawulaRatio !== undefined) { parts.push('Pawula ratio ' + fmt(e.pawulaRatio)); }
    if (e.memory && e.memory.halfLifeSteps !== undefined) {
      parts.push('memory: half-life ' + fmt(e.memory.halfLifeSteps) + ' steps'
        + (e.memory.driftTimeTerm ? ', drift with a term linear in time' : '')
        + (e.memory.chosenOnline ? ' (chosen online)' : ' (fixed)'));
    }
    var last = (e.alignment || [])[(e.alignment || []).length - 1];
    if (last) {
      parts.push('W1 ' + fmt(last.w1) + ' weight units at step ' + last.step
        + (last.samplingFloorW1 !== undefined ? ' (sampling floor ' + fmt(last.samplingFloorW1) + ')' : ''));
    }
    latestForecasts(e.alignment || []).forEach(function (f) {
      parts.push('forecast ' + f.horizon + ' steps ahead W1 ' + fmt(f.w1) + ' (nothing changes ' + fmt(f.baselineStatic)
        + ', Gaussian ' + fmt(f.baselineGaussian) + ')');
    });
    $('figures').textContent = parts.join(' · ');
  }

  function render(e) {
    drawDensity(e);
    drawDrift(e);
    drawDiffusion(e);
    drawBeta(e);
    drawAlignment(e);
    drawOutputs(e);
    drawFigures(e);
    lastEntry = e;
    // the panels of panels.js (window.fpkPanels) draw into their own charts, kept in charts too
    (window.fpkPanels || []).forEach(function (p) { p.draw(e); });
    Object.keys(charts).forEach(function (k) { charts[k].update('none'); });
    if (redrawing) { state.redraws = (state.redraws || 0) + 1; } else { state.updates++; }
    state.lastStep = e.lastStep !== undefined ? e.lastStep : (e.density ? e.density.step : -1);
    // the same facts on the DOM, for tools that read a dumped page (chromium --dump-dom)
    document.body.setAttribute('data-fpk-updates', String(state.updates));
    document.body.setAttribute('data-fpk-step', String(state.lastStep));
    document.body.setAttribute('data-fpk-points', JSON.stringify(state.points));
    if (state.mode === 'live' && e.sourceTimeMillis && !redrawing) {
      // from the snapshot's production (includes any backlog of the analysis)
      state.latencyMs = Date.now() - e.sourceTimeMillis;
      state.latencies.push(state.latencyMs);
    }
    if (state.mode === 'live' && e.publishedMillis && !redrawing) {
      // from the analysis publishing the alignment: what the page itself adds
      state.pageLatencyMs = Date.now() - e.publishedMillis;
      state.pageLatencies.push(state.pageLatencyMs);
    }
    var entryOption = $('entry').options[$('entry').selectedIndex];
    var label = entryOption ? entryOption.text : '#' + selection.entry + ' [' + (e.index || []).join(',') + ']';
    var text = 'run ' + selection.run + ' · layer ' + selection.layer + ' · entry ' + label
      + (state.watched ? ' · ' + state.watched : '')
      + ' · step ' + state.lastStep + (e.replicas ? ' · ' + e.replicas + ' replicas' : '');
    if (state.mode === 'live') {
      text += ' · updated ' + new Date().toLocaleTimeString()
        + (state.pageLatencyMs !== null ? ' · ' + (state.pageLatencyMs / 1000).toFixed(2) + ' s after the analysis' : '')
        + (state.latencyMs !== null ? ', ' + (state.latencyMs / 1000).toFixed(2) + ' s after the snapshot' : '');
    } else {
      text += ' · static report';
    }
    status(text, state.mode === 'live' ? 'live' : '');
  }

  function status(text, cls) {
    var el = $('status');
    el.textContent = text;
    el.className = 'status ' + (cls || '');
  }

  function readHash() {
    var sel = { run: null, layer: null, entry: 0, pinned: false };
    (location.hash || '').replace(/^#/, '').split('&').forEach(function (kv) {
      var i = kv.indexOf('=');
      if (i < 0) { return; }
      var k = kv.slice(0, i);
      var v = decodeURIComponent(kv.slice(i + 1));
      if (k === 'run' || k === 'layer') { sel[k] = v; sel.pinned = true; }
      if (k === 'entry') { sel.entry = parseInt(v, 10) || 0; }
    });
    return sel;
  }

  function writeHash() {
    history.replaceState(null, '', '#run=' + encodeURIComponent(selection.run) + '&layer='
      + encodeURIComponent(selection.layer) + '&entry=' + selection.entry);
  }

  function fill(select, values, labels, current) {
    var same = select.options.length === values.length;
    for (var i = 0; same && i < values.length; i++) {
      same = select.options[i].value === String(values[i]) && select.options[i].textContent === labels[i];
    }
    if (!same) {
      select.innerHTML = '';
      values.forEach(function (v, i) {
        var o = document.createElement('option');
        o.value = String(v);
        o.textContent = labels[i];
        select.appendChild(o);
      });
    }
    select.value = String(current);
  }

  // keeps the selection valid against the catalog; returns true when it changed. A run or layer
  // asked for by name (page address, picker) is waited for rather than replaced by another.
  function reconcile() {
    var before = JSON.stringify(selection);
    var run = catalog.filter(function (r) { return r.runId === selection.run; })[0];
    if (!run && selection.pinned && selection.run) {
      status('waiting for run ' + selection.run + ' to publish…', 'live');
      return false;
    }
    run = run || catalog[0];
    if (!run) { return false; }
    selection.run = run.runId;
    var layer = run.layers.filter(function (l) { return l.layer === selection.layer; })[0];
    if (!layer && selection.pinned && selection.layer) {
      status('waiting for layer ' + selection.layer + ' of run ' + selection.run + '…', 'live');
      return false;
    }
    layer = layer || run.layers[0];
    if (!layer) { return false; }
    selection.layer = layer.layer;
    // a layer known so far only from its spectrum lists no entries yet: keep the entry asked for
    if (layer.entries.length && selection.entry >= layer.entries.length) { selection.entry = 0; }
    fill($('run'), catalog.map(function (r) { return r.runId; }), catalog.map(function (r) { return r.runId; }), selection.run);
    var layerNames = run.layers.map(function (l) { return l.layer; });
    fill($('layer'), layerNames, layerNames, selection.layer);
    // entries are named by their row-major index in the whole matrix, whichever are watched
    fill($('entry'), layer.entries.map(function (_, i) { return i; }),
      layer.entries.map(function (idx, i) { return '#' + rowMajor(idx, layer.shape, i) + ' [' + idx.join(',') + ']'; }), selection.entry);
    state.selection = { run: selection.run, layer: selection.layer, entry: selection.entry };
    state.watched = watchedText(layer);
    return JSON.stringify(selection) !== before;
  }

  // the row-major index of the entry with multi-index idx in a matrix of this shape (its
  // position among the entries listed when the shape is unknown: outputs before v1.6)
  function rowMajor(idx, shape, position) {
    if (!shape || !shape.length || shape.length !== idx.length) { return position; }
    var e = 0;
    for (var d = 0; d < shape.length; d++) { e = e * shape[d] + idx[d]; }
    return e;
  }

  // 'watching stride:4 (64 of 256 entries)' for a layer that watches some of its entries, else ''
  function watchedText(layer) {
    if (!layer.watchedEntries || layer.watchedEntries === 'all') { return ''; }
    return 'watching ' + layer.watchedEntries + ' (' + layer.entries.length
      + (layer.matrixEntries ? ' of ' + layer.matrixEntries : '') + ' entries)';
  }

  function onPick(event) {
    var changed = event && event.target ? event.target.id : '';
    selection.pinned = true;
    selection.run = $('run').value;
    // a new run starts at its first layer and entry, a new layer at its first entry
    selection.layer = changed === 'run' ? null : $('layer').value;
    selection.entry = changed === 'entry' ? (parseInt($('entry').value, 10) || 0) : 0;
    reconcile();
    writeHash();
    show();
  }

  // ---- live mode: server-sent events ----
  function openStream() {
    if (source) { source.close(); }
    var url = 'api/events';
    if (selection.run && selection.layer) {
      url += '?run=' + encodeURIComponent(selection.run) + '&layer=' + encodeURIComponent(selection.layer)
        + '&entry=' + selection.entry;
    }
    source = new EventSource(url);
    source.addEventListener('runs', function (m) {
      catalog = JSON.parse(m.data).runs;
      var hadSelection = !!(selection.run && selection.layer);
      if (reconcile() || !hadSelection) {
        if (selection.run && selection.layer) { writeHash(); openStream(); }
      }
      if (!catalog.length) { status('waiting for the first outputs…', 'live'); }
    });
    source.addEventListener('entry', function (m) { render(JSON.parse(m.data)); });
    source.onerror = function () { status('connection lost, retrying…', 'down'); };
  }

  // ---- static mode: the report embedded in the page ----
  function staticCatalog() {
    return report.runs.map(function (r) {
      return { runId: r.runId, layers: r.layers.map(function (l) {
        return { layer: l.layer, lastStep: l.lastStep, entries: l.entries.map(function (e) { return e.index || []; }),
          watchedEntries: l.watchedEntries, matrixEntries: l.matrixEntries, shape: l.shape };
      }) };
    });
  }

  function staticEntry() {
    var run = report.runs.filter(function (r) { return r.runId === selection.run; })[0];
    var layer = run.layers.filter(function (l) { return l.layer === selection.layer; })[0];
    var e = Object.assign({}, layer.entries[selection.entry]);
    e.lastStep = layer.lastStep;
    e.replicas = layer.replicas;
    e.outputs = layer.outputs || [];
    return e;
  }

  function show() {
    if (report) {
      if (selection.run) { render(staticEntry()); }
    } else {
      openStream();
    }
  }

  // what panels.js draws with: the charts, their helpers, the selection and the runs seen
  function expose() {
    window.fpkPage = {
      charts: charts, makeChart: makeChart, line: line, fmt: fmt, colors: COLORS, state: state,
      report: report, $: $,
      selection: function () { return selection; },
      catalog: function () { return catalog; },
      redraw: function () {
        if (!lastEntry) { return; }
        redrawing = true;
        try { render(lastEntry); } finally { redrawing = false; }
      }
    };
  }

  function start() {
    initCharts();
    expose();
    ['run', 'layer', 'entry'].forEach(function (id) { $(id).addEventListener('change', onPick); });
    if (report) {
      catalog = staticCatalog();
      reconcile();
      if (!catalog.length) { status('the report holds no runs', 'down'); }
    }
    show();
  }

  try {
    start();
  } catch (err) {
    state.error = String(err);
    status('page error: ' + err, 'down');
  }
})();
