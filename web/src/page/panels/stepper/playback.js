// Play / Pause of the step-through: one step every SPEEDS[speed] ms until the
// last output cell.
import { SPEEDS } from './controls.js';

/** c: the controls (play, speed); steps: {canStart(), atEnd(), rewind(), advance(), draw()}. */
export function createPlayback(c, steps) {
  let timer = null;
  function stop() {
    if (timer) {
      clearInterval(timer);
      timer = null;
    }
    c.play.setAttribute('aria-pressed', 'false');
    c.play.setAttribute('aria-label', 'Play');
    c.play.textContent = '▶ Play';
  }
  function start() {
    if (!steps.canStart()) return;
    if (steps.atEnd()) steps.rewind();
    c.play.setAttribute('aria-pressed', 'true');
    c.play.setAttribute('aria-label', 'Pause');
    c.play.textContent = '❚❚ Pause';
    timer = setInterval(() => {
      if (!steps.canStart() || steps.atEnd()) {
        stop();
        return;
      }
      steps.advance();
    }, SPEEDS[Number(c.speed.value)].ms);
    steps.draw();
  }
  c.play.addEventListener('click', () => (timer ? stop() : start()));
  c.speed.addEventListener('change', () => {
    if (timer) {
      stop();
      start();
    }
  });
  return { start, stop };
}
