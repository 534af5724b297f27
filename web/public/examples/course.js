// The course page's own script: it reacts to the first playground's
// 'convplay-change' event (event.detail.state, under the attribute names)
// and says whether the student found the padding.
const pg = document.getElementById('pg-padding');
const answer = document.getElementById('padding-answer');
pg.addEventListener('convplay-change', (e) => {
  const { kernel: f, padding: p } = e.detail.state;
  const side = 32 - f + 2 * p + 1;
  answer.classList.toggle('right', side === 32);
  answer.textContent =
    side === 32
      ? `Right: P = ${p} keeps the output at 32 × 32, because 32 − ${f} + 2·${p} + 1 = 32.`
      : `P = ${p} gives ${side} × ${side}; keep going.`;
});
