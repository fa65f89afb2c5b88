// fpk spectral panel (issue 16): the spectral view of the picked (run, layer), apart from app.js.
// It reads the selection app.js publishes (window.fpkState.selection) and draws, in live mode from
// api/runs/{run}/layers/{layer}/spectrum (polled once a second, redrawn when the layer changed),
// in static mode (the HTML report) from window.FPK_REPORT: the empirical spectral density (ESD) of
// W W^T's eigenvalues (weight units^2, all replicas pooled) with the fitted Marchenko-Pastur
// density and the power-law tail's start xmin marked, and alpha and the KS distances over the steps.
(function () {
  'use strict';
  var report = window.FPK_REPORT || null;
  // read by the browser test and handy in the console
  var spectral = window.fpkSpectral = {
    draws: 0, step: -1, bins: 0, mpPoints: 0, seriesPoints: 0, xmin: null, alpha: null, error: null
  };
  var BINS = 40;
  var charts = {};
  var drawnKey = null;
  var pending = false;

  function $(id) { return document.getElementById(id); }

  function fmt(x) {
    if (x === null || x === undefined || !isFinite(x)) { return 'n/a'; }
    var a = Math.abs(x);
    if (a === 0) { return '0'; }
    return (a < 1e-3 || a >= 1e4) ? x.toExponential(2) : String(parseFloat(x.toPrecision(3)));
  }

  function chart(id, xTitle, yTitle, extraScales) {
    var scales = {
      x: { type: 'linear', title: { display: true, text: xTitle }, ticks: { callback: fmt } },
      y: { type: 'linear', title: { display: true, text: yTitle }, ticks: { callback: fmt } }
    };
    for (var k in extraScales || {}) { scales[k] = extraScales[k]; }
    return new Chart($(id), {
      type: 'line', data: { datasets: [] },
      options: { animation: false, responsive: true, maintainAspectRatio: false,
        elements: { point: { radius: 0 }, line: { borderWidth: 2 } }, scales: scales,
        interaction: { mode: 'nearest', intersect: false } }
    });
  }

  // the ESD as a histogram normalised to a density (per weight unit^2), BINS bins over [min, max]
  function histogram(ev) {
    var lo = ev[0], hi = ev[ev.length - 1];
    if (!(hi > lo)) { hi = lo + 1; }
    var width = (hi - lo) / BINS, counts = new Array(BINS).fill(0);
    ev.forEach(function (x) { counts[Math.min(BINS - 1, Math.floor((x - lo) / width))]++; });
    return counts.map(function (c, i) { return { x: lo + (i + 0.5) * width, y: c / (ev.length * width) }; });
  }

  // the fitted Marchenko-Pastur density on its support [a, b]: sqrt((b - x)(x - a)) / (2 pi q S x),
  // S = edge / (1 + sqrt q)^2 (services/physics MarchenkoPastur)
  function marchenkoPastur(mp) {
    if (!mp || !(mp.edge > 0) || !(mp.ratio > 0)) { return []; }
    var r = Math.sqrt(mp.ratio), scale = mp.edge / ((1 + r) * (1 + r));
    var a = scale * (1 - r) * (1 - r), b = mp.edge, out = [];
    for (var i = 1; i < 200; i++) {
      var x = a + (b - a) * i / 200;
      out.push({ x: x, y: Math.sqrt((b - x) * (x - a)) / (2 * Math.PI * mp.ratio * scale * x) });
    }
    return out;
  }

  function series(points, field) {
    return points.filter(function (p) { return p[field] !== null && p[field] !== undefined; })
      .map(function (p) { return { x: p.step, y: p[field] }; });
  }

  function draw(layer) {
    var s = layer.spectrum, points = layer.spectrumSeries || [];
    var note = $('spectral-note');
    if (!s || !s.eigenvalues || !s.eigenvalues.length) {
      note.textContent = 'no spectrum yet: the layer has no matrix, or its first window is not analysed';
      charts.esd.data.datasets = [];
      charts.alpha.data.datasets = [];
    } else {
      var hist = histogram(s.eigenvalues), mp = marchenkoPastur(s.mp);
      var top = Math.max.apply(null, hist.map(function (p) { return p.y; }).concat(mp.map(function (p) { return p.y; })));
      charts.esd.data.datasets = [
        { label: 'ESD of the replicas (pooled)', data: hist, stepped: 'middle', fill: true,
          borderColor: '#1f77b4', backgroundColor: 'rgba(31,119,180,0.35)', borderWidth: 1 },
        { label: 'Marchenko-Pastur fit', data: mp, borderColor: '#d62728' }
      ];
      if (s.alphaXmin !== null && isFinite(s.alphaXmin)) {
        charts.esd.data.datasets.push({ label: 'tail from xmin (alpha ' + fmt(s.alpha) + ')',
          data: [{ x: s.alphaXmin, y: 0 }, { x: s.alphaXmin, y: top }], borderColor: '#2ca02c', borderDash: [6, 4] });
      }
      charts.alpha.data.datasets = [
        { label: 'alpha', data: series(points, 'alpha'), borderColor: '#2ca02c' },
        { label: 'MP KS', data: series(points, 'mpKs'), borderColor: '#d62728', yAxisID: 'y1', borderDash: [4, 3] },
        { label: 'Wigner spacing KS', data: series(points, 'spacingKs'), borderColor: '#9467bd', yAxisID: 'y1', borderDash: [2, 2] }
      ];
      note.textContent = 'step ' + s.step + ' · ' + s.eigenvalues.length + ' eigenvalues · MP sigma^2 '
        + fmt(s.mp && s.mp.sigma2) + ', KS ' + fmt(s.mp && s.mp.ks) + ' · spikes ' + fmt(s.spikes)
        + ' per replica · alpha ' + fmt(s.alpha) + ' from xmin ' + fmt(s.alphaXmin) + ' · spacings: Wigner KS '
        + fmt(s.spacingKs) + ', Poisson KS ' + fmt(s.poissonKs) + ' · Dyson temperature ' + fmt(s.temperature);
      spectral.bins = hist.length;
      spectral.mpPoints = mp.length;
      spectral.xmin = s.alphaXmin;
      spectral.alpha = s.alpha;
      spectral.step = s.step;
    }
    spectral.seriesPoints = points.length;
    charts.esd.update('none');
    charts.alpha.update('none');
    spectral.draws++;
  }

  function selected() {
    return window.fpkState && window.fpkState.selection;
  }

  function staticLayer(sel) {
    var run = report.runs.filter(function (r) { return r.runId === sel.run; })[0];
    return run && run.layers.filter(function (l) { return l.layer === sel.layer; })[0];
  }

  function poll() {
    var sel = selected();
    if (!sel || !sel.run || !sel.layer || pending) { return; }
    var key = sel.run + '/' + sel.layer;
    if (report) {
      if (key !== drawnKey) { var l = staticLayer(sel); if (l) { drawnKey = key; draw(l); } }
      return;
    }
    pending = true;
    fetch('api/runs/' + encodeURIComponent(sel.run) + '/layers/' + encodeURIComponent(sel.layer) + '/spectrum')
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (layer) {
        pending = false;
        if (!layer) { return; }
        var version = key + '@' + layer.version;
        if (version !== drawnKey) { drawnKey = version; draw(layer); }
      })
      .catch(function (err) { pending = false; spectral.error = String(err); });
  }

  try {
    charts.esd = chart('spectral-esd', 'eigenvalue of W W^T (weight units^2)', 'density (per weight unit^2)');
    charts.alpha = chart('spectral-alpha', 'step', 'alpha',
      { y1: { type: 'linear', position: 'right', min: 0, max: 1, grid: { drawOnChartArea: false },
        title: { display: true, text: 'KS distance' } } });
    poll();
    setInterval(poll, report ? 250 : 1000);
  } catch (err) {
    spectral.error = String(err);
  }
})();
