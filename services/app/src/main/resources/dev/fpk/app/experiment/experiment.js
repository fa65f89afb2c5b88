// Draws the experiment report (window.FPK_EXPERIMENT, the shape of report.json) with Chart.js.
(function () {
  'use strict';
  const R = window.FPK_EXPERIMENT;
  const main = document.getElementById('report');
  const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#17becf', '#7f7f7f'];
  const fmt = (x) => (x === null || x === undefined || !isFinite(x)) ? 'n/a' : Number(x).toPrecision(3);
  const idx = (i) => '[' + i.join(',') + ']';
  const yes = (b) => '<span class="' + (b ? 'ok">holds' : 'no">does not hold') + '</span>';

  function el(tag, html, cls) {
    const e = document.createElement(tag);
    if (html !== undefined) e.innerHTML = html;
    if (cls) e.className = cls;
    return e;
  }
  function section(title, note) {
    main.appendChild(el('h2', title));
    if (note) main.appendChild(el('p', note, 'note'));
    const g = el('div', undefined, 'grid');
    main.appendChild(g);
    return g;
  }
  function chart(parent, title, datasets, xTitle, yTitle, opts) {
    const box = el('div', undefined, 'chart' + (opts && opts.wide ? ' wide' : ''));
    if (opts && opts.wide) box.style.gridColumn = '1 / -1';
    const canvas = document.createElement('canvas');
    box.appendChild(canvas);
    parent.appendChild(box);
    new Chart(canvas, {
      type: 'line',
      data: { datasets: datasets.map((d, i) => Object.assign({ borderColor: COLORS[i % COLORS.length],
        backgroundColor: COLORS[i % COLORS.length], pointRadius: 0, borderWidth: 1.5, fill: false }, d)) },
      options: { animation: false, responsive: true, maintainAspectRatio: false, parsing: false,
        plugins: { title: { display: true, text: title }, legend: { labels: { boxWidth: 12 } } },
        scales: { x: { type: 'linear', title: { display: true, text: xTitle } },
                  y: { type: (opts && opts.logY) ? 'logarithmic' : 'linear', title: { display: true, text: yTitle } } } }
    });
  }
  const xy = (xs, ys) => xs.map((x, i) => ({ x: x, y: ys[i] })).filter(p => p.y !== null);

  const ex = R.experiment;
  main.appendChild(el('h1', 'fpk experiment: ' + ex.replicas + ' replicas x ' + ex.steps + ' steps, seed ' + ex.seed
    + ', layer ' + ex.layer));
  main.appendChild(el('p', ex.units + '. Transient ends at step ' + R.transient.endStep + ' (' + R.transient.rule + '): '
    + R.transient.definition + '. Wall time ' + fmt(ex.wallSeconds) + ' s.', 'note'));

  // checks
  main.appendChild(el('h2', 'What must hold'));
  const c = R.checks;
  let rows = '<tr><th class="l">check</th><th>numbers</th><th>result</th></tr>';
  c.forecastBeatsBaselines.forEach(f => {
    rows += '<tr><td class="l">forecast beats both baselines at ' + f.horizon + ' steps (mean of entries, and on >= 3/4 of them)</td><td>W1 '
      + fmt(f.meanW1) + ' vs nothing-changes ' + fmt(f.meanBaselineStatic) + ', Gaussian ' + fmt(f.meanBaselineGaussian)
      + '; ' + f.entriesBeatingBoth + ' of ' + f.entries + ' entries</td><td>' + yes(f.holds) + '</td></tr>';
  });
  c.w1WithinTwiceSamplingFloor.entries.forEach(e => {
    rows += '<tr><td class="l">W1 of entry ' + idx(e.index) + ' within ' + c.w1WithinTwiceSamplingFloor.bar
      + 'x the sampling floor</td><td>' + fmt(e.meanW1) + ' = ' + fmt(e.ratio) + ' x ' + fmt(e.meanSamplingFloorW1)
      + ' (within at ' + fmt(100 * e.withinShare) + '% of steps)</td><td>' + yes(e.holds) + '</td></tr>';
  });
  Object.keys(c.sensitivity).forEach(k => {
    const s = c.sensitivity[k];
    rows += '<tr><td class="l">diffusion factor, ' + k + '</td><td>measured x' + fmt(s.measured) + ', SGD theory x'
      + s.predicted + '</td><td>' + yes(s.holds) + '</td></tr>';
  });
  main.appendChild(el('table', rows));
  main.appendChild(el('p', 'Sensitivity: ' + R.sensitivity.where + '.', 'note'));
  const J = R.joint;
  main.appendChild(el('p', 'Joint 4-D model against entry by entry over the slow phase: output sliced W1 ratio '
    + fmt(J.slicedW1Ratio) + ', energy ratio ' + fmt(J.energyRatio) + ', per-entry W1 ratio ' + fmt(J.marginalW1Ratio)
    + ' (' + J.definition + ')' + (J.last ? '; coupling between entries ' + fmt(J.last.largestCouplingZ)
    + ' standard errors, neglected diffusion correlation ' + fmt(J.last.largestNeglectedCorrelation) : '') + '.', 'note'));

  // loss
  let g = section('Training loss', 'Ensemble-mean minibatch MSE; the transient ends at step ' + R.transient.endStep + '.');
  chart(g, 'loss', [{ label: 'mean loss', data: xy(R.loss.steps, R.loss.meanLoss) }], 'step', 'MSE', { wide: true });

  // theory over histogram
  g = section('Theory over histogram', 'Fokker-Planck density (line, never reset to the data) over the replicas\' histogram (steps) at the checkpoints.');
  R.densityCheckpoints.forEach(cp => cp.entries.forEach(e => {
    const centres = e.edges.slice(0, -1).map((a, i) => (a + e.edges[i + 1]) / 2);
    chart(g, 'step ' + cp.step + ', entry ' + idx(e.index), [
      { label: 'theory', data: xy(centres, e.theory) },
      { label: 'replicas', data: xy(centres, e.empirical), stepped: 'middle', borderColor: '#999', backgroundColor: '#999' }
    ], 'w (weight units)', 'density');
  }));

  // alignment over time
  g = section('Alignment over time', 'W1 of theory against the replicas, and the sampling floor (W1 between the two halves of the replicas).');
  const al = [];
  R.alignmentSeries.forEach((e, i) => {
    al.push({ label: 'W1 ' + idx(e.index), data: xy(e.steps, e.w1), borderColor: COLORS[i], backgroundColor: COLORS[i] });
    al.push({ label: 'floor ' + idx(e.index), data: xy(e.steps, e.samplingFloorW1), borderColor: COLORS[i],
      backgroundColor: COLORS[i], borderDash: [4, 3] });
  });
  chart(g, 'W1 and sampling floor', al, 'step', 'weight units', { wide: true });

  // forecasts: skill 1 - W1(forecast) / W1(baseline) per entry against the horizon
  g = section('Forecast skill per horizon', 'Skill 1 - W1(Fokker-Planck forecast) / W1(baseline), W1 averaged over the forecasts issued after the transient'
    + ' (1 perfect, 0 no better than the baseline, below 0 worse), per entry.');
  [['baselineStatic', 'against "nothing changes"'], ['baselineGaussian', 'against Gaussian moment propagation']].forEach(b => {
    const ds = R.alignmentSeries.map(e => {
      const at = R.forecast.filter(f => idx(f.index) === idx(e.index));
      return { label: idx(e.index), data: xy(at.map(f => f.horizon), at.map(f => f.w1 === null || f[b[0]] === null ? null : 1 - f.w1 / f[b[0]])),
        pointRadius: 4 };
    });
    chart(g, 'skill ' + b[1], ds, 'horizon (steps)', 'skill');
  });
  let ft = '<tr><th>horizon</th><th class="l">entry</th><th>W1 forecast</th><th>nothing changes</th><th>Gaussian</th><th>forecasts</th></tr>';
  R.forecast.forEach(f => {
    ft += '<tr><td>' + f.horizon + '</td><td class="l">' + idx(f.index) + '</td><td>' + fmt(f.w1) + '</td><td>' + fmt(f.baselineStatic)
      + '</td><td>' + fmt(f.baselineGaussian) + '</td><td>' + f.scored + '</td></tr>';
  });
  main.appendChild(el('table', ft));

  // beta function
  g = section('Callan-Symanzik: beta function at the checkpoints', 'beta(w) = mu(w), weight units per step; fixed points are its zeros, exponent beta\'(w*) (negative = attractive).');
  const cps = R.callanSymanzik.checkpoints;
  if (cps.length > 0) {
    cps[0].entries.forEach((e0, k) => {
      chart(g, 'entry ' + idx(e0.index), cps.map(cp => ({ label: 'step ' + cp.step, data: xy(cp.entries[k].grid, cp.entries[k].beta) })),
        'w (weight units)', 'beta (per step)');
    });
    let t = '<tr><th class="l">step</th>' + cps[0].entries.map(e => '<th>' + idx(e.index) + ': w* (exponent)</th>').join('') + '</tr>';
    cps.forEach(cp => {
      t += '<tr><td class="l">' + cp.step + '</td>' + cp.entries.map(e => '<td>' + (e.fixedPoints.length === 0 ? 'none'
        : e.fixedPoints.map(f => fmt(f.w) + ' (' + fmt(f.exponent) + ')').join(', ')) + '</td>').join('') + '</tr>';
    });
    main.appendChild(el('table', t));
  }

  // KPZ
  main.appendChild(el('h2', 'KPZ view'));
  let kt = '<tr><th class="l">step</th><th class="l">entry</th><th>nu = D</th><th>lambda = 2D</th><th>residual RMS (per step)</th><th>relative to dh/dt</th></tr>';
  R.kpz.checkpoints.forEach(cp => cp.entries.forEach(e => {
    kt += '<tr><td class="l">' + cp.step + '</td><td class="l">' + idx(e.index) + '</td><td>' + fmt(e.nu) + '</td><td>'
      + fmt(e.lambda) + '</td><td>' + fmt(e.residualRms) + '</td><td>' + fmt(e.relativeResidual) + '</td></tr>';
  }));
  main.appendChild(el('table', kt));

  // outputs
  g = section('Output distributions y = W h', 'Theory (W drawn from the Fokker-Planck model) against experiment (each replica\'s own W) on the probe inputs; dashed: sampling floor.');
  ['slicedW1', 'energy'].forEach(m => {
    const ds = [];
    ['entrywise', 'joint'].forEach((model, i) => {
      const pts = R.outputs.filter(o => o.model === model);
      if (pts.length === 0) return;
      ds.push({ label: model, data: xy(pts.map(o => o.step), pts.map(o => o[m])), borderColor: COLORS[i], backgroundColor: COLORS[i] });
      ds.push({ label: model + ' floor', data: xy(pts.map(o => o.step), pts.map(o => o[m + 'Floor'])), borderColor: COLORS[i],
        backgroundColor: COLORS[i], borderDash: [4, 3] });
    });
    chart(g, m, ds, 'step', 'output units');
  });

  // Pawula
  g = section('Pawula ratio', 'K4 / (D^2 dt): large values flag jumps or heavy tails, where a diffusion is the wrong model.');
  chart(g, 'Pawula ratio', R.pawula.map(p => ({ label: idx(p.index), data: xy(p.steps, p.ratio) })), 'step', 'ratio', { wide: true });
})();
