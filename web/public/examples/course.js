// The course page's own script: it reacts to the first playground's 'change'
// event (event.detail.state) and says whether the student found the padding.
const pg = document.getElementById('pg-padding');
const answer = document.getElementById('padding-answer');
pg.addEventListener('change', (e) => {
  const { f, p } = e.detail.state;
  const side = 32 - f + 2 * p + 1;
  answer.classList.toggle('right', side === 32);
  answer.textContent =
    side === 32
      ? `Right: P = ${p} keeps the output at 32 × 32, because 32 − ${f} + 2·${p} + 1 = 32.`
      : `P = ${p} gives ${side} × ${side}; keep going.`;
});
