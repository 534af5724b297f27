// The loss and accuracy chart of a training run (the lab's curves and the
// batch-norm comparison): loss lines on the left axis, test-accuracy dots and
// lines from 0 to 100%.

/** Draws the axes and labels of the chart on g (W x H, pad: the margin). */
function frame(g, W, H, pad) {
  g.clearRect(0, 0, W, H);
  g.strokeStyle = '#888';
  g.lineWidth = 1;
  g.strokeRect(pad, 8, W - 2 * pad, H - pad - 8);
  g.fillStyle = '#333';
  g.font = '11px sans-serif';
  g.fillText('step', W / 2, H - 4);
  g.fillText('loss (lines)', pad + 6, 22);
  g.fillText('test accuracy 0 to 100% (dots)', W - pad - 180, 22);
}

/**
 * Loss lines and test-accuracy dots and lines of each series ({losses, tests:
 * [[step, value]], colour, testColour?}) against the step, 0 to total.
 */
export function plot(canvas, total, series) {
  const g = canvas.getContext('2d');
  const W = canvas.width,
    H = canvas.height,
    pad = 30;
  frame(g, W, H, pad);
  let maxLoss = 2.5;
  for (const s of series) {
    for (const [, l] of s.losses) if (Number.isFinite(l)) maxLoss = Math.max(maxLoss, l);
  }
  const x = (step) => pad + ((W - 2 * pad) * step) / Math.max(1, total);
  const plotH = H - pad - 8;
  const line = (points, y, colour, width) => {
    if (!points.length) return;
    g.strokeStyle = colour;
    g.lineWidth = width;
    g.beginPath();
    points.forEach(([s, v], i) => (i ? g.lineTo(x(s), y(v)) : g.moveTo(x(s), y(v))));
    g.stroke();
  };
  let points = 0;
  for (const s of series) {
    line(s.losses, (l) => 8 + plotH * (1 - Math.min(l, maxLoss) / maxLoss), s.colour, 2);
    line(s.tests, (a) => 8 + plotH * (1 - a), s.testColour ?? s.colour, 1);
    g.fillStyle = s.testColour ?? s.colour;
    for (const [st, a] of s.tests) g.fillRect(x(st) - 3, 8 + plotH * (1 - a) - 3, 6, 6);
    points += s.losses.length + s.tests.length;
  }
  canvas.dataset.points = String(points);
}
