// A worker started before its playground mounts (boot.js starts the full page's worker while
// the page's code still downloads) may answer before anyone listens: a message dispatched
// with no listener is lost. holdEvents(worker) keeps its messages and errors until the
// engine takes the worker (takeHeldEvents), which then handles them in order.
//
//   const worker = holdEvents(spawnWorker());
//   ... later, once worker.onmessage and worker.onerror are set:
//   for (const e of takeHeldEvents(worker)) ...
const heldBy = new WeakMap(); // worker -> {events, keep}

/** Keeps worker's message and error events from now on; returns worker. */
export function holdEvents(worker) {
  const events = [];
  const keep = (e) => {
    // the engine's handler would have kept an error from the console; it reports it later
    if (e.type === 'error') e.preventDefault();
    events.push(e);
  };
  worker.addEventListener('message', keep);
  worker.addEventListener('error', keep);
  heldBy.set(worker, { events, keep });
  return worker;
}

/** The events kept for worker since holdEvents, in order (none for another); it keeps no more. */
export function takeHeldEvents(worker) {
  const held = heldBy.get(worker);
  if (!held) return [];
  worker.removeEventListener('message', held.keep);
  worker.removeEventListener('error', held.keep);
  heldBy.delete(worker);
  return held.events;
}
