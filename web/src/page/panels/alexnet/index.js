// The AlexNet exercise (the lecture's worked example, AlexNet's first layer):
// the current image resized to 227 x 227 x 3 by the module (resizeImage), 96
// random 11 x 11 x 3 filters, S = 4, P = 0 -> a 55 x 55 x 96 output volume
// (all 96 maps, in a scrollable grid), the formula with those numbers and the
// 34,848 + 96 parameters, all from the module (conv2dGeometry, conv2dForward).
// Beside it the famous slip: the paper's 224 x 224 gives (224 - 11)/4 + 1 = 54.25
// (the module's convOutputSize: 54, not exact).
//
// The preset button also sets the page's layer to the same numbers (227, F = 11,
// S = 4, P = 0, random filters; the step-through's input to 11 x 11 so its window
// fits), so the main view shows K (at most 16) maps with the same formula; a line
// says what changed and offers the way back (undo.js). The state row `alex`
// records that the exercise is shown (so a lecture step's link reproduces it).
//
// The panel's views: result.js (the 96 maps and the numbers), slip.js (224 or
// 227?), undo.js (the way back) and the quiz (quiz.js, inside this section);
// exercise.js asks the worker for the exercise.
import { ALEX_PATCH } from '../../../common/lecture-steps.js';
import { el } from '../../dom.js';
import { mountQuiz } from './quiz.js';
import { mountUndo } from './undo.js';
import { mountSlip } from './slip.js';
import { mountResult } from './result.js';
import { exercise } from './exercise.js';

/** The section's heading, intro and buttons. */
function header(ctx) {
  const h = el('h2', {
    id: ctx.id('alexnet-h'),
    'data-part': 'alexnet-h',
    text: 'The AlexNet exercise',
  });
  const intro = el('p', {
    text: "The lecture's worked example is AlexNet's first layer: a 227 × 227 × 3 input, 96 filters of 11 × 11 × 3, stride S = 4, no padding. Try it on the current image.",
  });
  const go = el(
    'button',
    { type: 'button', class: 'cp-alex-go primary' },
    'Run the AlexNet exercise on this image',
  );
  const hide = el('button', { type: 'button', class: 'cp-alex-hide' }, 'Hide the 96 maps');
  return { h, intro, go, hide };
}

export function mount(ctx) {
  const root = ctx.slot('alexnet');
  root.classList.add('cp-alexnet');
  root.setAttribute('aria-labelledby', ctx.id('alexnet-h'));
  const { h, intro, go, hide } = header(ctx);
  const busy = el('p', { class: 'cp-alex-busy', role: 'status', 'aria-live': 'polite' });
  const err = el('p', { class: 'message error', role: 'alert', hidden: true });
  const result = mountResult();
  const slip = mountSlip(ctx);
  const quizBox = el('div', { class: 'cp-quiz', id: ctx.id('quiz'), 'data-part': 'quiz' });
  const changes = el('div', { class: 'cp-alex-changes-box' });
  const undo = mountUndo(ctx, changes);
  root.replaceChildren(
    h,
    intro,
    el('div', { class: 'cp-alex-buttons' }, go, hide),
    changes,
    busy,
    err,
    result.element,
    slip.aside,
    quizBox,
  );
  root.hidden = false;
  const compute = exercise(ctx, { root, busy, err, result, hide });

  go.addEventListener('click', () => {
    const before = { ...ctx.state };
    const changed = ctx.update(ALEX_PATCH);
    undo.remember(before, changed);
    if (!changed.size) compute(true); // otherwise the new result (or the 'alex' change) computes it
  });
  hide.addEventListener('click', () => ctx.set('alex', false));
  ctx.subscribe((s, changed) => {
    // a change of the layer re-runs the pipeline (update computes then); 'alex' alone does not
    if (changed.has('alex') && changed.size === 1) compute();
  });
  mountQuiz(quizBox, ctx);
  ctx.on('started', slip.draw);
  return { update: (r) => compute(false, r), api: { compute } };
}
