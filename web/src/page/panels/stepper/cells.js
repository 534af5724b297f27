// The step-through's numbers: how a cell's value is written, and the small
// layer model m (worker/jobs/stepper.js) read at a padded position or a tap.

/** Numbers in the cells: integers as they are, others with 2 decimals at most. */
export function cellText(v) {
  if (!Number.isFinite(v)) return String(v);
  if (Math.abs(v - Math.round(v)) < 1e-9) return String(Math.round(v)).replace(/^-0$/, '0');
  const r = Math.round(v * 100) / 100;
  return r === 0 ? (v < 0 ? '-0.00' : '0.00') : String(r);
}

/** The weight that multiplies tap (a, b) of the window (the kernel rotated 180 degrees for true convolution). */
export function tapWeight(m, a, b) {
  return m.conv ? m.w[(m.fh - 1 - a) * m.fw + (m.fw - 1 - b)] : m.w[a * m.fw + b];
}

/** The padded input's value at padded row r, column c (padSourceIndex's map; -1: a zero). */
export function valueAt(m, r, c) {
  const si = m.padMap[r],
    sj = m.padMap[c];
  return si < 0 || sj < 0 ? 0 : m.x[si * m.n + sj];
}

/** Whether padded (r, c) lies on the padding. */
export function isPad(m, r, c) {
  return r < m.p || c < m.p || r >= m.n + m.p || c >= m.n + m.p;
}

/** Where the window of output cell pos is: output (oy, ox), its top-left (r0, c0) in the padded input. */
export function windowAt(m, pos) {
  const oy = Math.floor(pos / m.w2),
    ox = pos % m.w2;
  return { oy, ox, r0: oy * m.sh, c0: ox * m.sw };
}
