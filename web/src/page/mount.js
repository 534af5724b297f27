// mountPlayground(root, options) -> instance: one convplay playground.
//
// The one entry point of the page. An instance owns its state (a store of
// common/state.js), its worker (engine.js) and its views (the panels of
// panels/index.js); nothing is shared between two instances, and every id
// inside one carries its own prefix, so several can live on one page or in
// shadow roots. Its style sheets are adopted by root's document or shadow
// root (constructable style sheets: nothing to load, allowed by a strict CSP).
//
//   import { mountPlayground } from './page/mount.js';
//   const pg = mountPlayground(element | shadowRoot, {
//     initial: 'f=5&k=2' | { f: 5, k: 2 },   // the starting state (over the defaults)
//     hash: false,          // true: read location.hash, write every change to it, follow
//                           // hashchange (the full page); an embedded instance leaves it alone
//     panels: undefined,    // ids of PANEL_IDS to show (default: all)
//     locked: [],           // state rows that keep their starting value, controls disabled
//                           // (e.g. ['f', 'k']; common/locks.js)
//     reset: 'start',       // what "Reset everything" returns to: 'start' (the starting
//                           // state; default unless hash: true) or 'defaults'
//     onStateChange: (state, changed, instance) => {},   // after every change
//     idPrefix: undefined,  // prefix of every id inside (default: 'cp<n>-', unique per page)
//     jobTimeout: 30000,    // ms without an answer from the worker before it is replaced
//     notebook: true,       // false: no "Open as a notebook" buttons (services/notebook.js)
//     worker: undefined,    // its first worker, when the page started it earlier
//                           // (spawn-worker.js spawnWorker(): main.js starts it first thing)
//   });
//   await pg.ready;          // the first result is drawn (rejects when the module cannot load)
//   pg.state, pg.set(name, v), pg.update({...}), pg.loadHash(h), pg.hash, pg.result, pg.idle
//   pg.restart(h, rows?)     // a new starting state (the element's attributes changed)
//   pg.sleep();              // gives the worker back when idle (true when it did): the views stay
//   await pg.wake();         // a new worker with the same image and state; what waited is computed
//   pg.destroy();            // stops the worker, removes the DOM, the listeners, the style sheets
//
// The element also fires 'convplay:statechange' (detail: {state, changed}) and
// 'convplay:result' (detail: the LayerResult) on the instance's element.
// Panels get one context (context.js; playground.d.ts PanelContext), made whole
// before the first panel mounts: the state and its actions, the engine, the
// services (ctx.source, ctx.pixel, ctx.filters, ctx.alexnet). Between panels
// (ctx.on / ctx.emit): 'ready' (the module is loaded: the source service opens
// the first image and the layer is computed), 'started' (the first view is
// drawn: the other panels start their own jobs), 'alexnet' (the exercise's
// result), 'view' (the instance came into or went out of view).
import { createStore, changeKind } from '../common/state.js';
import { createEngine } from './engine.js';
import { markup } from './template.js';
import { PANELS, PANEL_IDS } from './panels/index.js';
import { nextTask } from './dom.js';
import { showRefusals } from './lock-notice.js';
import { fitNav } from './nav.js';
import { watchViolations, explainLoadFailure } from './load-error.js';
import { adoptStyles } from './styles.js';
import { releaseRadioGroups } from './radio-groups.js';
import { createBus, createContext, createLatest, followAnchors } from './context.js';
import { createRunner } from './runner.js';
import { createSource } from './services/source.js';
import { createPixel } from './services/pixel.js';
import { createFilters } from './services/filters.js';
import { photoUrl } from './services/photos.js';
import { createNotebooks } from './services/notebook.js';

let instances = 0; // only for default id prefixes

/** The options with their defaults, checked (a bad one throws, naming it). */
function readOptions(root, options) {
  const {
    initial = '',
    hash = false,
    panels = PANEL_IDS,
    locked = [],
    reset = hash ? 'defaults' : 'start',
    onStateChange = null,
    idPrefix = `cp${++instances}-`,
    jobTimeout = 0,
    notebook = true,
    worker = null,
  } = options;
  if (worker !== null && !(typeof Worker === 'function' && worker instanceof Worker)) {
    throw new Error(`worker ${String(worker)}: must be a Worker started by spawnWorker()`);
  }
  if (typeof notebook !== 'boolean') {
    throw new Error(`notebook ${JSON.stringify(notebook)}: must be true or false`);
  }
  const unknown = panels.filter((id) => !PANEL_IDS.includes(id));
  if (unknown.length) {
    throw new Error(`unknown panel "${unknown[0]}": the panels are ${PANEL_IDS.join(', ')}`);
  }
  const prefix = String(idPrefix);
  if (!/^[A-Za-z0-9_-]*$/.test(prefix)) {
    throw new Error(`idPrefix "${prefix}" may only hold A-Z a-z 0-9 _ -`);
  }
  const rootNode = root.getRootNode ? root.getRootNode() : root;
  if (!(rootNode instanceof Document) && !(rootNode instanceof ShadowRoot)) {
    throw new Error('mountPlayground: root must be connected to a document (or be a shadow root)');
  }
  const doc = root.ownerDocument || root;
  const o = { initial, hash, panels, locked, reset, onStateChange, prefix, jobTimeout, notebook };
  o.worker = worker;
  return { ...o, rootNode, doc };
}

/** The page's link for a notebook (the full page's, over http or https), else ''. */
function pageLink(store, doc) {
  if (!store.usesHash || !/^https?:$/.test(doc.location.protocol)) return '';
  store.flushHash?.();
  return doc.location.href;
}

/** ctx.notebook of an instance (o: its options). */
function notebookService(engine, store, o) {
  return createNotebooks({
    engine,
    doc: o.doc,
    id: (name) => o.prefix + name,
    enabled: o.notebook,
    link: () => pageLink(store, o.doc),
  });
}

/** The instance's element (div.cp-playground) with its markup, appended to root. */
function createContainer(root, doc, prefix) {
  const container = doc.createElement('div');
  container.className = 'cp-playground';
  const tpl = doc.createElement('template');
  tpl.innerHTML = markup(prefix);
  container.append(tpl.content);
  root.append(container);
  return container;
}

/** The panels of the static list: mount(panel) mounts one; list holds the mounted ones. */
function panelMounter(ctx, shown, runner) {
  const list = [];
  function mount(panel) {
    try {
      const view = panel.mount(ctx) ?? {};
      list.push({ id: panel.id, view });
      if (!shown.includes(panel.id) && panel.section) ctx.$(panel.section).hidden = true;
      if (panel.optional && runner.result) view.update?.(runner.result);
    } catch (e) {
      console.error(`${panel.id}:`, e);
    }
  }
  return { list, mount };
}

/**
 * The optional panels of shown (ids): their modules are fetched at once, then each mounts in
 * its own task, in the list's order. One whose module cannot be loaded is left out (said in
 * the console). Resolves when all are mounted (or destroyed() became true).
 */
async function mountOptional(mounter, shown, destroyed) {
  const panels = PANELS.filter((p) => p.optional && shown.includes(p.id));
  const modules = panels.map((p) =>
    p.load().catch((e) => {
      console.error(`${p.id}: its module could not be loaded:`, e);
      return null;
    }),
  );
  for (const [i, panel] of panels.entries()) {
    const module = await modules[i];
    await nextTask();
    if (destroyed()) return;
    if (module) mounter.mount({ ...panel, mount: module.mount });
  }
}

/**
 * Mounts a playground into root (an Element or a ShadowRoot, connected to a
 * document). Returns the instance (playground.d.ts: PlaygroundInstance).
 */
export function mountPlayground(root, options = {}) {
  const o = readOptions(root, options);
  const disposers = [];
  const onDestroy = (fn) => disposers.push(fn);
  let destroyed = false;
  let started = false; // every panel is mounted (the 'started' event)
  onDestroy(adoptStyles(o.rootNode));

  // where the worker, the .wasm and the photos come from (embed.js's site)
  const assetBase = new URL('/', import.meta.url).href;
  const violations = watchViolations(o.doc, assetBase);
  const store = createStore({
    initial: o.initial,
    hash: o.hash,
    locked: o.locked,
    resetTo: o.reset,
  });
  onDestroy(() => store.destroy());
  const engine = createEngine({ jobTimeout: o.jobTimeout || undefined, worker: o.worker });
  onDestroy(() => engine.destroy());
  const container = createContainer(root, o.doc, o.prefix);
  // its radio buttons leave their groups first, or a shadow root keeps the whole DOM (radio-groups.js)
  onDestroy(() => {
    if (container.isConnected) releaseRadioGroups(container);
    container.remove();
  });
  const $ = (name) => container.querySelector(`#${CSS.escape(o.prefix + name)}`);

  // the services exist before any panel mounts: the mount order does not matter
  const bus = createBus(onDestroy);
  const locked = (name) => store.isLocked(name);
  const { service: source, onState: followImage } = createSource({
    engine,
    store,
    locked,
    recompute: () => runner.recompute(),
  });
  const runner = createRunner({
    store,
    engine,
    container,
    $,
    source,
    photoUrl,
    panels: () => mounter.list,
    destroyed: () => destroyed,
  });
  const services = {
    source,
    pixel: createPixel({ store, result: () => runner.result }),
    filters: createFilters({ store }),
    alexnet: createLatest(),
    photoUrl,
    notebook: notebookService(engine, store, o),
  };
  const ctx = createContext({
    store,
    engine,
    container,
    prefix: o.prefix,
    onDestroy,
    bus,
    services,
    run: runner,
  });
  followAnchors(ctx, o.prefix, store.usesHash);
  onDestroy(engine.onEvent(runner.onEngineEvent));
  onDestroy(runner.destroy);
  onDestroy(showRefusals(store, $('lock-notice')));

  let instance;
  store.subscribe((state, changed) => {
    if (changeKind(changed) === 'layer') runner.recompute();
    o.onStateChange?.(state, changed, instance);
    container.dispatchEvent(
      new CustomEvent('convplay:statechange', { detail: { state, changed } }),
    );
  });
  // then a new image is loaded (the layer above runs first, on the image it had)
  store.subscribe(followImage);

  // the panels of the static list: the layer's now, the others once the first view is painted
  const mounter = panelMounter(ctx, o.panels, runner);
  for (const panel of PANELS) if (!panel.optional) mounter.mount(panel);
  onDestroy(() => {
    for (const { view } of mounter.list) view.destroy?.();
  });
  // the first screen's two lines and "Start the lecture" belong to lecture mode
  container.querySelector('.cp-start').hidden = !o.panels.includes('lecture');
  fitNav(container, $);
  performance.mark('convplay:mounted');

  const ready = (async () => {
    try {
      await engine.ready;
    } catch (e) {
      $('boot').hidden = true;
      const seen = violations.stop();
      runner.fatal(
        explainLoadFailure(e, { violations: seen, assetBase, pageOrigin: location.origin }),
      );
      throw e;
    }
    violations.stop();
    $('boot').hidden = true;
    performance.mark('convplay:module-ready');
    bus.emit('ready');
    source.first(); // the first image, then the layer
    await runner.first;
    // then the panels below load and mount, one task each, and start their own jobs: the
    // first view never waits for them, and the page answers input between them
    await mountOptional(mounter, o.panels, () => destroyed);
    if (destroyed) return;
    fitNav(container, $); // with the links of the panels mounted since
    started = true;
    performance.mark('convplay:started');
    bus.emit('started');
  })();
  ready.catch(() => {});

  instance = createInstance({
    container,
    ready,
    engine,
    store,
    runner,
    source,
    pixel: services.pixel,
    panels: mounter.list,
    isDestroyed: () => destroyed,
    isStarted: () => started,
    destroy() {
      if (destroyed) return;
      destroyed = true;
      for (const fn of disposers.reverse()) {
        try {
          fn();
        } catch (e) {
          console.error(e);
        }
      }
      disposers.length = 0;
    },
  });
  return instance;
}

/** The public object of an instance (playground.d.ts PlaygroundInstance). */
function createInstance({
  container,
  ready,
  engine,
  store,
  runner,
  source,
  pixel,
  panels,
  ...rest
}) {
  const { isDestroyed, isStarted, destroy } = rest;
  return {
    root: container,
    ready,
    engine,
    get state() {
      return store.state;
    },
    set: store.set,
    update: store.update,
    loadHash: store.loadHash,
    reset: store.reset,
    restart: store.restart,
    /** The state as a URL hash (without '#'). */
    get hash() {
      return store.serialize();
    },
    /** The last layer result drawn (LayerResult), or null. */
    get result() {
      return runner.result;
    },
    /** True while the last change waits (until the state holds still, at most HASH_MAX_DELAY_MS) to be written to the URL. */
    get hashPending() {
      return store.hashPending;
    },
    /** True when every panel is mounted, the last change computed and drawn (and in the URL), no panel job waiting. */
    get idle() {
      return isStarted() && runner.drawnAll && engine.quiet && !store.hashPending;
    },
    /** The public API of panel id (e.g. 'gradients', 'bnlab'), or undefined. */
    panel: (id) => panels.find((m) => m.id === id)?.view.api,
    recompute: runner.recompute,
    /**
     * A new worker in place of the current one (every image the page holds is sent to it
     * again), then the layer is computed again. Resolves when it is drawn.
     */
    async restartWorker() {
      await engine.restart();
      await runner.recompute();
    },
    /** Gives the worker back when it is idle (true when it did); the views keep what they drew. */
    sleep() {
      if (isDestroyed() || !engine.suspend()) return false;
      container.dataset.asleep = 'true';
      return true;
    },
    /** True while the instance has no worker (after sleep(), until wake()). */
    get asleep() {
      return engine.suspended;
    },
    /** A new worker with the same image and last layer; the jobs that waited are then sent. */
    async wake() {
      if (isDestroyed() || !engine.suspended) return;
      delete container.dataset.asleep;
      await engine.resume();
    },
    /** Opens an image file (a Blob) as an upload. */
    openFile: (blob, name, opts) => source.open(blob, name, opts),
    /** The inspector's hovered pixel {k, y, x} (or null). */
    setHover: (h) => pixel.hover(h),
    destroy,
  };
}

export { PANEL_IDS };
