// The training loop's client: builds the network in the worker
// (worker/jobs/nnlab.js), asks for a few mini-batches per job while training
// runs (each job takes as many steps as fit in STEP_BUDGET_MS, so the page
// redraws more than 10 times a second and stays responsive; Pause simply stops
// asking for more) and hands each answer to the views that draw it. The
// module and the 3.8 MB data pack are loaded the first time the lab is used.
import { rowOf } from '../../../common/state.js';
import {
  ARCH_ROWS,
  CLASSES,
  MAX_STEPS_PER_JOB,
  MIN_OWN_STEPS,
  STEP_BUDGET_MS,
  TEST_EVERY,
  TEST_POINT_IMAGES,
} from './constants.js';
import { ownProblem } from './own-set.js';
import { notLearnt } from './verdict.js';

/** Why a run on own classes takes more epochs than the field says ('' when it does not). */
function raisedText(r) {
  if (!r.epochsRaised) return '';
  const { from, to } = r.epochsRaised;
  return ` (${to} epochs rather than ${from}: so few pictures take at least ${MIN_OWN_STEPS} steps to learn)`;
}

/** The status once the network of job is built (r: the worker's answer). */
function builtText(job, r, run) {
  if (job.noData)
    return `An imported network for ${run.classes.join(', ')}; its images are not here, so it classifies drawings and uploads but cannot train or be tested.`;
  const data = r.own
    ? `your ${r.own.classes.length} classes (${r.own.classes.map((c, i) => `${c}: ${r.own.perClass[i].train} to train, ${r.own.perClass[i].test} to test`).join('; ')}): `
    : '';
  const { batchSize } = job.config;
  return `${data}${r.counts.train} training and ${r.counts.test} test images; ${r.params.toLocaleString('en')} parameters; ${r.totalSteps} steps of ${batchSize} ${batchSize === 1 ? 'image' : 'images'}${raisedText(r)}.`;
}

/** The status after a step (r: the worker's answer; run: after it). */
function stepText(r, run) {
  const last = run.tests.at(-1);
  const verdict = last && run.verdict ? `; ${run.verdict}` : '';
  return `step ${r.step} of ${run.plan.totalSteps} (epoch ${r.epoch + 1}), training loss ${r.loss.toFixed(3)}, learning rate ${r.learningRate.toFixed(4)}${last ? `, test accuracy ${(100 * last[1]).toFixed(1)}%` : ''}${verdict}`;
}

/** What to try when a finished run has not learnt. */
const retryAdvice = (run) =>
  run.lab === 'own'
    ? 'Add more pictures to each class (or raise the epochs), then press Train again.'
    : 'Raise the epochs or the learning rate, then press Train again.';

/** The worker's build job for the next network ('main' or 'own'). */
function buildJob(lab, controls, key) {
  const config = controls.config();
  const job = { op: 'build', lab: key, spec: controls.spec(), seed: config.seed, config };
  if (key === 'own' && lab.imported) job.noData = true;
  else if (key === 'own') {
    job.classes = lab.own.map((c) => ({ name: c.name, images: c.images.map((i) => i.bytes) }));
    job.minSteps = MIN_OWN_STEPS;
  }
  return job;
}

function loadingText(lab, key) {
  if (key === 'own') return 'Decoding your pictures and building the network…';
  return lab.run ? 'Building the network…' : 'Loading the lab (the module and 3.8 MB of images)…';
}

/**
 * A link whose architecture is impossible shows the message a rebuild after
 * a change shows, at once: the network is built in a module without the
 * images (nothing is trained, the pack is not loaded).
 */
async function checkArchitecture(lab, controls) {
  const { ctx, status } = lab;
  // the page's own architecture fits: the module is loaded when the lab is used
  if (lab.run || ARCH_ROWS.every((name) => ctx.state[name] === rowOf(name).default)) return;
  // at once (the lab is not settled until the check answers); the status stays meanwhile
  status.setState('loading');
  try {
    const ownFails = lab.mode === 'own' && !lab.imported && (await ownProblem(lab.engine, lab.own));
    if (!ownFails) {
      const { seed } = controls.config();
      await lab.engine.nnlab({ op: 'check', lab: 'check', spec: controls.spec(), seed });
    }
    if (!lab.run && !lab.destroyed) status.setState('idle');
  } catch (e) {
    if (lab.run || lab.destroyed) return;
    status.text = 'No network: see the message below.';
    status.showError(e);
  }
}

/** The views of a step's answer r (input: the input it classified, ticket: its request). */
function showStep(lab, views, r, ticket, input) {
  const { run, root, status } = lab;
  const { layers, filters, curves, confusion, inside } = views;
  run.step = r.step;
  run.trained = true;
  run.losses.push([r.step, r.loss]);
  run.norms = r.gradNorms;
  root.dataset.step = String(r.step);
  root.dataset.loss = String(r.loss);
  if (r.evaluation) {
    run.tests.push([run.step, r.evaluation.accuracy]);
    run.verdict = notLearnt(r.evaluation, run.classes);
    root.dataset.learnt = run.verdict ? 'no' : 'yes';
    confusion.draw(r.evaluation);
  }
  layers.draw();
  filters.draw(r.filters);
  curves.draw();
  const live = lab.running && !r.done;
  inside.show(ticket, input, r.step, r.classified, r.classifyError, live);
  status.text = stepText(r, run);
}

/** The lab's build(): a new network and training run in the worker (views: the trainer's). */
function makeBuild(lab, views) {
  const { root, status } = lab;
  const { controls, layers, filters, curves, confusion, inside } = views;

  /** The views of a new run (r: the worker's answer to build). */
  async function showBuilt(r) {
    layers.draw();
    filters.draw(r.filters);
    curves.draw();
    confusion.clear();
    root.dataset.step = '0';
    inside.setTestCount(r.counts.test);
    await inside.refresh();
  }

  /**
   * A new network and training run in the worker; false when it could not be
   * built. preview: the fresh network shown before any step, the buttons kept
   * working meanwhile (a Train or Step pressed meanwhile waits for it).
   */
  async function fresh(preview) {
    const key = lab.mode === 'own' ? 'own' : 'main';
    if (preview) status.text = loadingText(lab, key);
    else status.setState('loading', loadingText(lab, key));
    status.showError(null);
    const problem = key === 'own' && !lab.imported ? await ownProblem(lab.engine, lab.own) : null;
    if (problem) {
      // the set's notice says the same: a state a fresh load of the link shows too
      lab.run = null;
      layers.clear();
      status.setState('error', `Not trained: ${problem}.`);
      return false;
    }
    lab.stale = false;
    try {
      const job = buildJob(lab, controls, key);
      const r = await lab.engine.nnlab(job);
      const classes = r.own ? r.own.classes : (lab.imported ?? CLASSES);
      lab.run = {
        plan: r,
        lab: key,
        classes,
        layers: r.layers,
        losses: [],
        tests: [],
        norms: null,
        step: 0,
        trained: false,
      };
      await showBuilt(r);
      status.setState('idle', builtText(job, r, lab.run));
      return true;
    } catch (e) {
      lab.run = null;
      layers.clear();
      status.text = 'No network: see the message below.';
      status.showError(e);
      return false;
    }
  }

  /**
   * The untrained network, as a Step would show it minus the step: its layer
   * table, first filters and look inside; nothing when a network is already
   * there, the lab shows an error, runs the comparison or waits for own pictures.
   */
  async function preview() {
    const { state } = root.dataset;
    if (lab.run || lab.destroyed || lab.lectureRun || lab.mode !== 'fashion') return;
    if (state === 'idle') await fresh(true);
  }

  return { build: () => fresh(false), preview };
}

/**
 * views: {controls, layers, filters, curves, confusion, inside}. Returns the
 * lab's actions on its run: build, preview, check, evaluate.
 */
export function mountTrainer(lab, views) {
  const { status } = lab;
  const { controls } = views;

  const { build, preview } = makeBuild(lab, views);

  /** Inference mode on the first limit test images (0: all): a test point on the curve. */
  async function evaluate(limit) {
    const e = await lab.engine.nnlab({ op: 'evaluate', lab: lab.run.lab, limit });
    lab.run.tests.push([lab.run.step, e.accuracy]);
    return e;
  }

  /**
   * Asks the worker for up to n steps (as many as fit in budgetMs, when given):
   * {r, ticket, input}. A step's answer is drawn unless the input was asked
   * for again since (inside.js refresh): steps do not take a ticket of their own,
   * so the next steps can be asked for while the last ones are drawn.
   */
  async function ask(n, budgetMs = 0) {
    if (!lab.run.plan.totalSteps)
      throw new Error(
        `this imported network's classes (${lab.run.classes.join(', ')}) have no images here: add pictures to each class to train it`,
      );
    // one message per redraw: the steps, the test point when due, the shown input
    const ticket = lab.asked;
    const input = lab.current;
    const r = await lab.engine.nnlab({
      op: 'steps',
      lab: lab.run.lab,
      n,
      budgetMs,
      testEvery: TEST_EVERY,
      testLimit: TEST_POINT_IMAGES,
      input,
    });
    return { r, ticket, input };
  }

  /** Up to n steps (as many as fit in budgetMs, when given), then the views. */
  async function advance(n, budgetMs = 0) {
    const { r, ticket, input } = await ask(n, budgetMs);
    if (!lab.destroyed) showStep(lab, views, r, ticket, input);
    return r;
  }

  /**
   * Trains while lab.running: the worker takes the next steps while the page
   * draws the last ones (a pause lets the job under way finish, and draws it).
   */
  async function loop() {
    const more = () => lab.running && !lab.destroyed;
    let next = more() ? ask(MAX_STEPS_PER_JOB, STEP_BUDGET_MS) : null;
    while (next) {
      const { r, ticket, input } = await next;
      next = more() && !r.done ? ask(MAX_STEPS_PER_JOB, STEP_BUDGET_MS) : null;
      if (!lab.destroyed) showStep(lab, views, r, ticket, input);
      if (r.done) {
        lab.running = false;
        const advice = lab.run.verdict ? ` ${retryAdvice(lab.run)}` : '';
        status.setState('done', `${status.text}. Done.${advice}`);
      }
    }
  }

  wireButtons(lab, { build, advance, loop });
  const check = () => checkArchitecture(lab, controls);
  return { build, preview, check, evaluate };
}

/** Train, Pause, Step and Reset (actions: the trainer's build, advance and loop). */
function wireButtons(lab, { build, advance, loop }) {
  const { ctx, root, status } = lab;
  const { buttons } = status;
  const ready = async () => (lab.run && !lab.stale) || build();
  ctx.listen(buttons.train, 'click', () =>
    lab.serial(async () => {
      if (!(await ready())) return;
      lab.running = true;
      status.setState('training');
      await loop();
      if (!lab.running && root.dataset.state === 'training')
        status.setState('paused', `${status.text} (paused)`);
    }),
  );
  ctx.listen(buttons.pause, 'click', () => {
    lab.running = false;
  });
  ctx.listen(buttons.step, 'click', () =>
    lab.serial(async () => {
      if (!(await ready())) return;
      const r = await advance(1);
      status.setState(r.done ? 'done' : 'paused');
    }),
  );
  ctx.listen(buttons.reset, 'click', () => {
    lab.running = false;
    lab.serial(build);
  });
}
