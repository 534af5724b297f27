// The network lab's shared state: one object every view of the lab is given
// (index.js makes it), holding the run and the choices the views share. A
// view changes a field here and calls the views it redraws; nothing else is
// shared between them.
import { describeLocked } from '../../../common/locks.js';
import { CLASSES } from './constants.js';
import { mountStatus } from './status.js';

/**
 * @typedef {object} LabRun the network being trained and what it has drawn
 * @property {object} plan      the worker's answer to build
 * @property {string} lab       the worker's network: 'main' or 'own'
 * @property {string[]} classes the class names
 * @property {object[]} layers  [{name, type, output: [D, H, W], params}]
 * @property {number[][]} losses [[step, loss]]
 * @property {number[][]} tests  [[step, test accuracy]]
 * @property {number[] | null} norms the gradient norms of the last step
 * @property {number} step
 * @property {boolean} trained  a step was taken or trained weights were imported
 * @property {string} [verdict] why the last test point shows nothing learnt
 */

/** The lab's state for one mount: ctx the panel's context, root its section. */
export function createLab(ctx, root) {
  const lab = {
    ctx,
    engine: ctx.engine,
    root,
    /** @type {LabRun | null} */
    run: null,
    running: false, // a training loop (or the comparison) asks for more steps
    destroyed: false,
    busy: Promise.resolve(), // the chain of serial() jobs
    // which data the next build trains on: 'fashion' or 'own'; imported: the class
    // names of an imported network whose own images are not here
    mode: 'fashion',
    imported: null,
    stale: false, // the class set changed since the run was built
    own: [], // the student's classes: [{name, images: [{bytes, url, from, blob}]}]
    current: { source: 'test', index: 0 }, // the input the views show
    inspected: null, // the last classify result, with the input it was computed for
    asked: 0, // the latest classify request; older answers are dropped
    quiet: false, // a state change made by the lab itself: no rebuild
    lastExport: null, // the last weights file exported (its JSON text)
    lectureRun: false, // the lecture step that runs the comparison is open
    status: null, // the buttons, the status and the error line (status.js)
    /** Runs fn after the jobs before it; an error shows in the error line. */
    serial(fn) {
      lab.busy = lab.busy.then(fn).catch((e) => lab.status.showError(e));
      return lab.busy;
    },
    /** How many classes the next build's network tells apart. */
    classCount() {
      if (lab.mode !== 'own') return CLASSES.length;
      return lab.imported?.length ?? Math.max(2, lab.own.length);
    },
  };
  lab.status = mountStatus(lab, ctx.id);
  return lab;
}

/** Throws when patch would move a row the page locks (what asks for it: `who`). */
export function refuseLocked(ctx, patch, who) {
  const held = Object.keys(patch).filter(
    (n) => ctx.locked(n) && String(patch[n]) !== String(ctx.state[n]),
  );
  if (held.length)
    throw new Error(
      `${who} needs other values than this page locks: ${describeLocked(held, (n) => ctx.state[n])}`,
    );
}
