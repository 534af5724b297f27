// The layer of one instance, run and drawn: recompute() sends the state to the
// worker, every mounted panel draws the result (update), and the instance's
// status line, its fatal line and its worker notice say what happened. The
// performance measures 'convplay:redraw' (input to painted frame) and
// 'convplay:draw' (the worker's reply to painted frame) are what
// `npm run bench:page` reads.
import { snapshot, batchImages } from '../common/state.js';
import { nextTask } from './dom.js';
import { picturesWanted } from './render.js';
import { createVisibility } from './panel-visibility.js';
import { PANELS } from './panels/index.js';

// redraws whose performance measures are kept (the page benchmark reads the latest)
const MAX_MEASURES = 250;
const measureNames = new Set(['convplay:redraw', 'convplay:draw']);

function fmtMs(ms) {
  return ms < 10 ? ms.toFixed(1) : String(Math.round(ms));
}

/** fn once the frame that shows the last changes is painted (the task after the next frame). */
function afterPaint(fn) {
  requestAnimationFrame(() => nextTask().then(fn));
}

/** The lines of the instance: status, fatal (a layer's failure or the module's), worker notice. */
function createLines(container, $) {
  let fatalFromLayer = false; // the fatal line shows a layer job's failure (cleared by a result)
  return {
    status(text, ms) {
      const status = $('status');
      status.textContent = text;
      if (ms !== undefined) status.dataset.ms = String(ms);
    },
    fatal(message, fromLayer = false) {
      const el = $('fatal');
      el.textContent = message;
      el.hidden = false;
      fatalFromLayer = fromLayer;
    },
    /** A result arrived: a layer job's failure is no longer shown. */
    clearLayerFatal() {
      if (!fatalFromLayer) return;
      $('fatal').hidden = true;
      fatalFromLayer = false;
    },
    worker(text) {
      const el = $('worker-notice');
      el.textContent = text;
      el.hidden = !text;
      container.dataset.worker = text ? 'recovering' : 'ok';
    },
  };
}

/** Panel p's update(r), timed; returns what it returns (a promise when it draws in later tasks). */
function updateOne(panel, r) {
  const begun = performance.now();
  let drawing;
  try {
    drawing = panel.view.update(r);
  } catch (e) {
    console.error(`${panel.id}:`, e);
  }
  // each view's synchronous share of the redraw (npm run bench:page prints them)
  performance.measure(`convplay:update:${panel.id}`, { start: begun });
  measureNames.add(`convplay:update:${panel.id}`);
  return Promise.resolve(drawing).catch((e) => console.error(`${panel.id}:`, e));
}

/**
 * Updates the panels on screen (onScreen(panel)) with r; resolves when every
 * one has finished drawing (a view may finish in later tasks), with the
 * panels left to update (those off screen).
 */
async function drawOnScreen(panels, r, onScreen) {
  const now = [];
  const later = [];
  for (const p of panels) if (p.view.update) (onScreen(p) ? now : later).push(p);
  await Promise.all(now.map((p) => updateOne(p, r)));
  return later;
}

/** Updates the panels with r, one task each; false when stop() said to (a newer result). */
async function drawLater(panels, r, stop) {
  for (const p of panels) {
    await nextTask();
    if (stop()) return false;
    await updateOne(p, r);
  }
  return !stop();
}

/** The measures of one drawn result, once its frame is painted; resolves then. */
function measurePainted(start, arrived, runs, firstPainted) {
  return new Promise((resolve) =>
    afterPaint(() => {
      const painted = performance.now();
      // from the input event to the frame that shows it, and from the worker's reply to that frame
      if (start !== null) performance.measure('convplay:redraw', { start, end: painted });
      performance.measure('convplay:draw', { start: arrived, end: painted });
      // the browser keeps every entry: a long session keeps at most the last MAX_MEASURES redraws'
      if (runs % MAX_MEASURES === 0) {
        for (const name of measureNames) performance.clearMeasures(name);
      }
      if (runs === 1 && !performance.getEntriesByName('convplay:first-view').length) {
        performance.mark('convplay:first-view');
        performance.measure('convplay:first-view', { start: 0, end: 'convplay:first-view' });
      }
      firstPainted();
      resolve();
    }),
  );
}

function statusText(r, ms) {
  const when = new Date().toTimeString().slice(0, 8); // hh:mm:ss (no Intl: its first use is slow)
  return r.error
    ? `Last computation at ${when}: impossible layer (${fmtMs(ms)} ms).`
    : `Last computation at ${when}: ${fmtMs(ms)} ms in all (forward pass ${fmtMs(r.ms.forward)} ms in the worker).`;
}

/**
 * The runner of one instance. panels(): the mounted panels [{id, view}];
 * destroyed(): true once the instance is gone. A result is drawn by the
 * panels on screen first; once that frame is painted, the others are brought
 * up to date, one task each; the result counts as drawn (idle, runs, the
 * 'convplay:result' event) when every panel has it.
 */
export function createRunner({ store, engine, container, $, source, photoUrl, panels, destroyed }) {
  const lines = createLines(container, $);
  const visibility = createVisibility();
  const sections = new Map(PANELS.map((p) => [p.id, p.section]));
  const onScreen = (p) => visibility.onScreen(sections.has(p.id) ? $(sections.get(p.id)) : null);
  let requested = 0; // layer jobs asked for
  let drawn = 0; // the key of the last result drawn
  let runs = 0;
  let result = null;
  let input = null; // the working image of the last result (the worker sends it once per image)
  let paddedShown = null; // the paddedKey of the padded input drawn (the worker draws it once)
  let changedAt = null; // when the first change not yet drawn happened
  let recoveredAt = 0; // the request number after which a drawn result ends the worker notice
  let crashedAt = 0; // the last request number when the worker last stopped
  let resolveFirst;
  const first = new Promise((resolve) => {
    resolveFirst = resolve;
  });

  function syncDataset() {
    container.dataset.runs = String(runs);
    container.dataset.idle = String(drawn === requested);
  }

  /** The worker died: one line while a new one takes over, kept until the next change is drawn. */
  function onEngineEvent(e) {
    if (destroyed()) return;
    container.dataset.restarts = String(e.restarts);
    if (e.type === 'crash') {
      lines.worker(`The computation stopped (${e.reason}); starting it again…`);
      crashedAt = requested;
      recoveredAt = Infinity;
    } else if (e.type === 'recovered') {
      lines.worker(
        `The computation stopped (${e.reason}) and was restarted with your last picture and settings.`,
      );
      // a change made while the new worker started also ends the line once drawn
      recoveredAt = crashedAt;
      container.dataset.worker = 'recovered';
    } else if (e.type === 'failed') {
      lines.worker('');
      lines.fatal(`The computation keeps stopping (${e.reason}). Reload the page.`);
    }
  }

  /** The worker's result for request key, or null (superseded, failed: said in a line). */
  async function ask(key) {
    const s = snapshot(store.state);
    try {
      return await engine.layer({
        key,
        source: source.key,
        state: s,
        extras: batchImages(s).map((name) => ({ name, url: photoUrl(name) })),
        have: input?.key,
        pictures: picturesWanted(),
        havePadded: paddedShown,
      });
    } catch (e) {
      if (destroyed()) return null;
      if (e.name === 'WorkerCrash' && !engine.dead) {
        lines.worker(`The last change was skipped: ${e.message}.`);
      } else lines.fatal(e.message, true);
      return null;
    }
  }

  /** Runs the layer on the current image and state; every panel draws the result. */
  async function recompute() {
    if (!source.key || destroyed()) return;
    const key = ++requested;
    if (changedAt === null) changedAt = performance.now();
    syncDataset();
    const t0 = performance.now();
    const r = await ask(key);
    if (!r || destroyed()) return; // superseded by a newer request, or failed
    const arrived = performance.now();
    if (runs === 0) performance.mark('convplay:first-result', { startTime: arrived });
    if (r.input.data === null) {
      if (r.input.key !== input?.key) return recompute(); // the page lost it (never expected)
      r.input = input;
    }
    input = r.input;
    result = r;
    lines.clearLayerFatal();
    if (key > recoveredAt) lines.worker('');
    const stale = () => destroyed() || result !== r; // a newer result is being drawn
    const later = await drawOnScreen(panels(), r, onScreen);
    if (stale()) return;
    const ms = performance.now() - t0;
    const start = changedAt;
    changedAt = key === requested ? null : changedAt;
    await measurePainted(start, arrived, runs + 1, resolveFirst);
    if (stale() || !(await drawLater(later, r, stale))) return;
    // the padded input is surely shown once every panel has drawn r (the volume may be off screen)
    paddedShown = r.pictures?.paddedKey ?? null;
    drawn = key;
    runs += 1;
    syncDataset();
    container.dataset.layer = r.error ? 'error' : 'ok';
    lines.status(statusText(r, ms), ms);
    container.dispatchEvent(new CustomEvent('convplay:result', { detail: r }));
  }

  return {
    recompute,
    onEngineEvent,
    /** The fatal line (the module could not load). */
    fatal: lines.fatal,
    /** Resolves when the first result's frame is painted. */
    first,
    /** The last layer result drawn, or null. */
    get result() {
      return result;
    },
    /** True when the last layer job asked for is drawn. */
    get drawnAll() {
      return drawn === requested;
    },
    /** Stops watching the panels' sections. */
    destroy: () => visibility.disconnect(),
  };
}
