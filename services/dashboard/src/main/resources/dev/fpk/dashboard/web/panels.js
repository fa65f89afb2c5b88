// fpk live page, issue 19's panels, drawn after app.js's own through window.fpkPage and
// window.fpkPanels: the distribution over time (theory's quantile bands, replicas' quantiles), the
// update size |dW| per step, a step range applied to every time panel, a second run overlaid on
// the time panels (runs of one sweep, ids <sweep>/<name>, grouped in the pickers), and the export
// links. Units: steps on x; quantiles in weight units; |dW| in weight units per step.
(function () {
  'use strict';
  var page = window.fpkPage;
  if (!page) { return; }
  var $ = page.$;
  var charts = page.charts;
  var line = page.line;
  var state = page.state;
  var live = !page.report;
  // the charts whose x is the step: the step range applies to each (other panels may add theirs)
  var timeCharts = page.timeCharts = ['alignment', 'outputs', 'distribution', 'updateSize'];
  var COLORS = { band: 'rgba(214,39,40,0.12)', inner: 'rgba(214,39,40,0.25)', theory: '#d62728',
    replicas: '#1f77b4', size: '#2ca02c', compare: '#17becf' };
  var range = state.stepRange = { from: null, to: null };
  var compare = state.compare = { run: '', points: {}, note: '' };
  var compared = null; // the comparison run's entry JSON, or null
  var compareKey = '';
  var compareFetched = 0;

  charts.distribution = page.makeChart('distribution', 'step', 'quantiles of w (weight units)');
  charts.updateSize = page.makeChart('update-size', 'step', 'RMS |dW| (weight units / step)');

  // ---- distribution over time ----
  function quantileSeries(e, side, k) {
    return (e.quantiles || []).map(function (q) { return { x: q.step, y: q[side][k] }; });
  }

  function drawDistribution(e) {
    var hidden = { borderWidth: 0, borderColor: 'rgba(0,0,0,0)' };
    function band(label, k, fill) {
      return line(label, quantileSeries(e, 'theory', k), 'rgba(0,0,0,0)', 'weight units',
        fill ? Object.assign({ fill: '-1', backgroundColor: fill }, hidden) : hidden);
    }
    var sets = [
      band('_theory 5%', 0), band('theory 5-95%', 4, COLORS.band),
      band('_theory 25%', 1), band('theory 25-75%', 3, COLORS.inner),
      line('theory median', quantileSeries(e, 'theory', 2), COLORS.theory, 'weight units')
    ];
    [0, 1, 2, 3, 4].forEach(function (k) {
      var level = Math.round(100 * ((e.quantileLevels || [])[k] || 0));
      sets.push(line(k === 2 ? 'replicas median' : (k === 0 ? 'replicas 5/25/75/95%' : '_replicas ' + level + '%'),
        quantileSeries(e, 'replicas', k), COLORS.replicas, 'weight units',
        k === 2 ? {} : { borderDash: [4, 3], borderWidth: 1 }));
    });
    charts.distribution.data.datasets = sets;
    state.points.distribution = (e.quantiles || []).length;
  }

  // ---- update size ----
  function drawUpdateSize(e) {
    var data = (e.updateSize || []).map(function (u) { return { x: u.step, y: u.rms }; });
    charts.updateSize.data.datasets = [line('RMS |dW| per step', data, COLORS.size, 'weight units / step')];
    state.points.updateSize = data.filter(function (p) { return p.y !== null; }).length;
  }

  // ---- run comparison: a second run's curves on the time panels ----
  function overlay(chart, label, data, axis) {
    if (!data.length) { return 0; }
    chart.data.datasets.push(line(compare.run + ': ' + label, data, COLORS.compare, '',
      { borderDash: [3, 3], borderWidth: 1.5, yAxisID: axis || 'y' }));
    return data.length;
  }

  function drawComparison(e) {
    var sel = page.selection();
    var key = compare.run ? compare.run + '|' + sel.layer + '|' + sel.entry : '';
    if (key !== compareKey) { compareKey = key; compared = null; compareFetched = 0; }
    compare.points = {};
    if (!compare.run) { compare.note = ''; return; }
    // the other run's entry, fetched again at most every 2 s while the page updates
    if (live && Date.now() - compareFetched > 2000) { fetchComparison(key, sel); }
    if (!compared) { return; }
    var c = compared;
    compare.points.alignment = overlay(charts.alignment, 'W1',
      (c.alignment || []).map(function (a) { return { x: a.step, y: a.w1 }; }));
    var model = ((c.outputs || [])[0] || {}).model;
    compare.points.outputs = overlay(charts.outputs, 'sliced W1, ' + model + ' theory',
      (c.outputs || []).filter(function (o) { return o.model === model; })
        .map(function (o) { return { x: o.step, y: o.slicedW1 }; }));
    compare.points.distribution = overlay(charts.distribution, 'replicas median', quantileSeries(c, 'replicas', 2))
      + overlay(charts.distribution, 'theory median', quantileSeries(c, 'theory', 2));
    compare.points.updateSize = overlay(charts.updateSize, 'RMS |dW|',
      (c.updateSize || []).map(function (u) { return { x: u.step, y: u.rms }; }));
  }

  function fetchComparison(key, sel) {
    compareFetched = Date.now();
    fetch('api/runs/' + encodeURIComponent(compare.run) + '/layers/' + encodeURIComponent(sel.layer)
      + '/entries/' + sel.entry)
      .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
      .then(function (r) {
        if (key !== compareKey) { return; }
        compared = r.ok ? r.body : null;
        compare.note = r.ok ? '' : r.body.error;
        $('compare').title = compare.note || ('overlaid: ' + compare.run);
        page.redraw();
      })
      .catch(function (err) { compare.note = String(err); });
  }

  // ---- step range: the same x range on every time panel ----
  function readRange() {
    function value(id) { var v = parseInt($(id).value, 10); return isFinite(v) ? v : null; }
    range.from = value('step-from');
    range.to = value('step-to');
  }

  function applyRange() {
    timeCharts.forEach(function (id) {
      var chart = charts[id];
      if (!chart) { return; }
      chart.options.scales.x.min = range.from === null ? undefined : range.from;
      chart.options.scales.x.max = range.to === null ? undefined : range.to;
    });
  }

  // ---- pickers: runs of one sweep (<sweep>/<name>) grouped; the comparison run's choices ----
  function sweepOf(runId) {
    var i = runId.lastIndexOf('/');
    return i > 0 ? runId.slice(0, i) : null;
  }

  // wraps consecutive options of one sweep in an optgroup; ids are sorted, so a sweep's runs are
  // consecutive and the options keep their order (app.js compares them to decide on a refill)
  function groupBySweep(select) {
    var options = Array.prototype.slice.call(select.options);
    if (!options.some(function (o) { return sweepOf(o.value) && o.parentNode === select; })) { return; }
    var chosen = select.value;
    var group = null;
    options.forEach(function (o) {
      var sweep = sweepOf(o.value);
      if (!sweep) { group = null; select.appendChild(o); return; }
      if (!group || group.label !== sweep) {
        group = document.createElement('optgroup');
        group.label = sweep;
        select.appendChild(group);
      }
      o.textContent = o.value.slice(sweep.length + 1);
      group.appendChild(o);
    });
    Array.prototype.slice.call(select.querySelectorAll('optgroup')).forEach(function (g) {
      if (!g.children.length) { g.remove(); }
    });
    select.value = chosen;
  }

  function fillCompare() {
    var select = $('compare');
    var current = page.selection().run;
    var runs = page.catalog().map(function (r) { return r.runId; })
      .filter(function (r) { return r !== current; });
    var values = [''].concat(runs);
    var same = select.options.length === values.length;
    for (var i = 0; same && i < values.length; i++) { same = select.options[i].value === values[i]; }
    if (!same) {
      select.innerHTML = '';
      values.forEach(function (v) {
        var o = document.createElement('option');
        o.value = v;
        o.textContent = v || 'none';
        select.appendChild(o);
      });
      groupBySweep(select);
    }
    if (runs.indexOf(compare.run) < 0) { compare.run = ''; }
    select.value = compare.run;
  }

  // ---- export links of the entry shown ----
  function updateExport() {
    var sel = page.selection();
    var base = 'api/runs/' + encodeURIComponent(sel.run) + '/layers/' + encodeURIComponent(sel.layer)
      + '/entries/' + sel.entry + '/export?format=';
    $('export-csv').href = base + 'csv';
    $('export-json').href = base + 'json';
  }

  function draw(e) {
    drawDistribution(e);
    drawUpdateSize(e);
    if (live) {
      fillCompare();
      drawComparison(e);
      updateExport();
    }
    applyRange();
  }

  window.fpkPanels = (window.fpkPanels || []).concat([{ draw: draw }]);
  if (live) {
    new MutationObserver(function () { groupBySweep($('run')); })
      .observe($('run'), { childList: true });
    $('compare').addEventListener('change', function () {
      compare.run = $('compare').value;
      page.redraw();
    });
  } else {
    // the static report has no server to ask: no comparison and no export
    ['compare', 'export'].forEach(function (id) {
      var el = $(id);
      (id === 'compare' ? el.parentNode : el).style.display = 'none';
    });
  }
  ['step-from', 'step-to'].forEach(function (id) {
    $(id).addEventListener('change', function () { readRange(); page.redraw(); });
  });
  $('step-reset').addEventListener('click', function () {
    $('step-from').value = '';
    $('step-to').value = '';
    readRange();
    page.redraw();
  });
  page.redraw(); // a static report drew before these panels existed
})();
