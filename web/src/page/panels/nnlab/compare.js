// With and without batch norm, side by side: the same network, seed, images
// and learning rate trained twice in the worker (its networks 'without' and
// 'with'), a few steps each in turn, on one chart. A lecture step may run it.
import { el } from '../../dom.js';
import { CLASSES, STEPS_PER_JOB, TEST_EVERY, TEST_POINT_IMAGES } from './constants.js';
import { plot } from './plot.js';

const SIDES = [
  ['without', false],
  ['with', true],
];

const INTRO =
  'The same network, seed, images and learning rate, trained twice: once without batch norm (grey) and once with it after each convolution (green). Watch how fast each loss falls in the first hundred steps, and at which step each test accuracy (the dots) reaches the other one.';

/** A side's last test accuracy in words (withStep: and the step it was measured at). */
function accuracy(side, withStep) {
  const t = side.tests.at(-1);
  if (!t) return withStep ? '–' : 'not tested yet';
  return `${(100 * t[1]).toFixed(1)}%${withStep ? ` at step ${t[0]}` : ''}`;
}

/** The status once the comparison c stops: finished, or paused at a step. */
function comparisonStatus(c, finished) {
  const step = Math.min(c.without.step, c.with.step);
  const both = `test accuracy ${accuracy(c.without)} without batch norm, ${accuracy(c.with)} with it`;
  return finished
    ? `Comparison done: both networks trained ${step} steps; ${both}.`
    : `Comparison paused at step ${step} (${both}); press "Compare with and without batch norm" to run it again.`;
}

/** controls: the lab's fields (controls.js). Returns {node, run}. */
export function mountCompare(lab, controls) {
  const { status, root } = lab;
  const canvas = el('canvas', {
    class: 'cp-nn-curves cp-nn-compare',
    width: 640,
    height: 220,
    role: 'img',
    'aria-label': 'Training loss and test accuracy without (grey) and with (green) batch norm',
  });
  const text = el('p', { class: 'cp-nn-compare-text', 'aria-live': 'polite' });
  const box = el(
    'div',
    { class: 'cp-nn-comparebox', hidden: true },
    el('h3', { text: 'With and without batch norm, side by side' }),
    el('p', { text: INTRO }),
    canvas,
    text,
  );
  let comparison = null; // {without, with}: {plan, losses, tests, step, done}

  async function compareStep(key, side) {
    const r = await lab.engine.nnlab({ op: 'steps', lab: key, n: STEPS_PER_JOB });
    side.step = r.step;
    side.done = r.done;
    side.losses.push([r.step, r.loss]);
    if (r.step % TEST_EVERY < STEPS_PER_JOB || r.done) {
      const limit = r.done ? 0 : TEST_POINT_IMAGES;
      const e = await lab.engine.nnlab({ op: 'evaluate', lab: key, limit });
      side.tests.push([r.step, e.accuracy]);
    }
  }

  function draw() {
    const c = comparison;
    plot(canvas, c.without.plan.totalSteps, [
      { losses: c.without.losses, tests: c.without.tests, colour: '#777777' },
      { losses: c.with.losses, tests: c.with.tests, colour: '#1b7837' },
    ]);
    text.textContent = `Step ${Math.min(c.without.step, c.with.step)}: training loss ${c.without.losses.at(-1)?.[1].toFixed(3)} without batch norm, ${c.with.losses.at(-1)?.[1].toFixed(3)} with it; test accuracy ${accuracy(c.without, true)} without, ${accuracy(c.with, true)} with.`;
  }

  /** Builds both networks (on Fashion-MNIST, whatever the lab's data). */
  async function buildBoth() {
    comparison = {};
    const config = controls.config();
    for (const [key, withBn] of SIDES) {
      const r = await lab.engine.nnlab({
        op: 'build',
        lab: key,
        spec: controls.spec(withBn, CLASSES.length),
        seed: config.seed,
        config,
      });
      comparison[key] = { plan: r, losses: [], tests: [], step: 0, done: false };
    }
  }

  async function run() {
    lab.running = false;
    box.hidden = false;
    status.setState('loading', 'Building the two networks of the comparison…');
    status.showError(null);
    await buildBoth();
    lab.running = true;
    status.setState('training', 'Training both networks, a few steps each in turn…');
    const done = () => comparison.without.done && comparison.with.done;
    while (lab.running && !lab.destroyed && !done()) {
      for (const [key] of SIDES) {
        if (!comparison[key].done) await compareStep(key, comparison[key]);
      }
      root.dataset.compareStep = String(Math.min(comparison.without.step, comparison.with.step));
      draw();
    }
    lab.running = false;
    status.setState(done() ? 'done' : 'paused', comparisonStatus(comparison, done()));
  }

  lab.ctx.listen(status.buttons.compare, 'click', () => lab.serial(run));
  return { node: box, run };
}
