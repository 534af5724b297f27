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
// Between panels (ctx.on / ctx.emit): 'ready' (the module is loaded: the image
// panel computes the first view), 'started' (the first view is drawn: the
// other panels start their own jobs), 'alexnet' (the exercise's result).
// See playground.d.ts for the types.
import pageCss from './styles/page.css?inline';
import panelsCss from './styles/panels.css?inline';
import gradientsCss from './styles/gradients.css?inline';
import bnlabCss from './styles/bnlab.css?inline';
import nnlabCss from './styles/nnlab.css?inline';
import { createStore, changeKind, snapshot, batchImages, isAnchorHash } from '../common/state.js';
import { createEngine } from './engine.js';
import { markup } from './template.js';
import { PANELS, PANEL_IDS, PHOTOS } from './panels/index.js';
import { nextTask } from './dom.js';
import { picturesWanted } from './render.js';
import { showRefusals } from './lock-notice.js';
import { fitNav } from './nav.js';
import { watchViolations, explainLoadFailure } from './load-error.js';
import { themeShadowSheet } from './theme.js';

const CSS_TEXT = [pageCss, panelsCss, gradientsCss, bnlabCss, nnlabCss].join('\n');

// One sheet per document or shadow root, shared by the instances mounted in
// it and removed with the last of them.
const adopted = new WeakMap(); // Document | ShadowRoot -> {sheet, count}

function adoptStyles(target) {
  let entry = adopted.get(target);
  if (!entry) {
    const sheet = new CSSStyleSheet();
    const shadow = typeof ShadowRoot !== 'undefined' && target instanceof ShadowRoot;
    // in a shadow root the page's :root / html / body rules apply to the host
    sheet.replaceSync(
      shadow ? CSS_TEXT.replace(/:root|\bhtml\b(?=[\s,{])|\bbody\b(?=[\s,{])/g, ':host') : CSS_TEXT,
    );
    if (shadow) themeShadowSheet(sheet); // the host's theme attribute and --convplay-* properties
    target.adoptedStyleSheets = [...target.adoptedStyleSheets, sheet];
    entry = { sheet, count: 0 };
    adopted.set(target, entry);
  }
  entry.count += 1;
  return () => {
    entry.count -= 1;
    if (entry.count > 0) return;
    target.adoptedStyleSheets = target.adoptedStyleSheets.filter((s) => s !== entry.sheet);
    adopted.delete(target);
  };
}

let instances = 0; // only for default id prefixes

// redraws whose performance measures are kept (the page benchmark reads the latest)
const MAX_MEASURES = 2000;
const measureNames = new Set(['convplay:redraw', 'convplay:draw']);

function fmtMs(ms) {
  return ms < 10 ? ms.toFixed(1) : String(Math.round(ms));
}

/**
 * Mounts a playground into root (an Element or a ShadowRoot, connected to a
 * document). Returns the instance (playground.d.ts: PlaygroundInstance).
 */
export function mountPlayground(root, options = {}) {
  const {
    initial = '',
    hash = false,
    panels = PANEL_IDS,
    locked = [],
    reset = hash ? 'defaults' : 'start',
    onStateChange = null,
    idPrefix = `cp${++instances}-`,
    jobTimeout = 0,
  } = options;
  const unknown = panels.filter((id) => !PANEL_IDS.includes(id));
  if (unknown.length) {
    throw new Error(`unknown panel "${unknown[0]}": the panels are ${PANEL_IDS.join(', ')}`);
  }
  const p = String(idPrefix);
  if (!/^[A-Za-z0-9_-]*$/.test(p)) throw new Error(`idPrefix "${p}" may only hold A-Z a-z 0-9 _ -`);
  const rootNode = root.getRootNode ? root.getRootNode() : root;
  const doc = root.ownerDocument || root;
  if (!(rootNode instanceof Document) && !(rootNode instanceof ShadowRoot)) {
    throw new Error('mountPlayground: root must be connected to a document (or be a shadow root)');
  }

  const disposers = [];
  const onDestroy = (fn) => disposers.push(fn);
  onDestroy(adoptStyles(rootNode));

  // where the worker, the .wasm and the photos come from (embed.js's site)
  const assetBase = new URL('/', import.meta.url).href;
  const violations = watchViolations(doc, assetBase);
  const store = createStore({ initial, hash, locked, resetTo: reset });
  onDestroy(() => store.destroy());
  const engine = createEngine(jobTimeout ? { jobTimeout } : {});
  onDestroy(() => engine.destroy());

  // the DOM: the instance's element, its markup, one section per panel
  const container = doc.createElement('div');
  container.className = 'cp-playground';
  const tpl = doc.createElement('template');
  tpl.innerHTML = markup(p);
  container.append(tpl.content);
  root.append(container);
  onDestroy(() => container.remove());
  const $ = (name) => container.querySelector(`#${CSS.escape(p + name)}`);
  const stage = container.querySelector('.stage');

  // an event bus between the panels of this instance
  const bus = new Map();
  const on = (name, fn) => {
    if (!bus.has(name)) bus.set(name, new Set());
    bus.get(name).add(fn);
    const off = () => bus.get(name)?.delete(fn);
    onDestroy(off);
    return off;
  };
  const emit = (name, data) => {
    for (const fn of [...(bus.get(name) ?? [])]) {
      try {
        fn(data);
      } catch (e) {
        console.error(e);
      }
    }
  };

  let requested = 0; // layer jobs asked for
  let drawn = 0; // the key of the last result drawn
  let runs = 0;
  let result = null;
  let input = null; // the working image of the last result (the worker sends it once per image)
  let changedAt = null; // when the first change not yet drawn happened
  let destroyed = false;

  /** The ctx every panel gets: shared services of this instance. */
  const ctx = {
    root: container,
    doc,
    engine,
    id: (name) => p + name,
    $,
    get state() {
      return store.state;
    },
    set: store.set,
    update: store.update,
    loadHash: store.loadHash,
    reset: store.reset,
    extendStart: store.extendStart,
    serialize: store.serialize,
    flushHash: store.flushHash,
    usesHash: store.usesHash,
    subscribe(fn) {
      const off = store.subscribe(fn);
      onDestroy(off);
      return off;
    },
    /** The last layer result drawn (LayerResult), or null. */
    get result() {
      return result;
    },
    locked: (name) => store.isLocked(name),
    on,
    emit,
    onDestroy,
    /** addEventListener, removed when the instance is destroyed. */
    listen(target, type, fn, opts) {
      target.addEventListener(type, fn, opts);
      onDestroy(() => target.removeEventListener(type, fn, opts));
    },
    /** The section of a panel (created in .stage when the markup has none). */
    slot(id) {
      let el = $(id);
      if (!el) {
        el = doc.createElement('section');
        el.id = p + id;
        el.dataset.part = id;
        el.className = 'panel plugin';
        stage.append(el);
      }
      el.hidden = false;
      return el;
    },
    /**
     * Scrolls to the section id (unprefixed) and focuses it (unless focus: false),
     * without touching the URL.
     */
    goTo(id, { focus = true } = {}) {
      const target = $(id);
      if (!target || target.hidden) return false;
      target.scrollIntoView({ behavior: 'smooth', block: 'start' });
      if (!focus) return true;
      if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
      target.focus({ preventScroll: true });
      return true;
    },
    /** A link to section id in the instance's navigation, once. */
    addNav(id, text) {
      const nav = $('nav');
      if (!nav || nav.querySelector(`a[data-section="${id}"]`)) return;
      const a = doc.createElement('a');
      a.href = `#${p}${id}`;
      a.textContent = text;
      a.dataset.section = id;
      const order = ['gradients', 'stepper', 'alexnet', 'code-panel', 'lecture', 'bnlab', 'nnlab'];
      const after = [...nav.querySelectorAll('a[data-section]')].find(
        (x) => order.indexOf(x.dataset.section) > order.indexOf(id),
      );
      nav.insertBefore(a, after ?? null);
    },
    /** A sample photo's URL. */
    photoUrl: (name) => (PHOTOS[name] ? new URL(PHOTOS[name], import.meta.url).href : null),
    sourceKey: null, // the worker key of the current image (set by the image panel)
    inView: true, // false while no part of the instance is on screen ('view' is emitted)
    recompute,
  };

  // an instance scrolled out of view stops what runs by itself (step-through
  // playback, webcam frames) until it is back
  if (typeof IntersectionObserver !== 'undefined') {
    const seen = new IntersectionObserver((entries) => {
      const inView = entries.at(-1).isIntersecting;
      if (inView === ctx.inView) return;
      ctx.inView = inView;
      container.dataset.inView = String(inView);
      emit('view', inView);
    });
    seen.observe(container);
    onDestroy(() => seen.disconnect());
  }

  // in-page links scroll to their section without touching the URL hash (the hash is the state)
  ctx.listen(container, 'click', (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) {
      return;
    }
    const a = e.target.closest?.('a[href^="#"]');
    if (!a || !container.contains(a)) return;
    const href = a.getAttribute('href');
    if (!isAnchorHash(href)) return;
    let id;
    try {
      id = decodeURIComponent(href.slice(1));
    } catch {
      return;
    }
    if (!id.startsWith(p)) return;
    // an embedded instance never writes the host page's URL, even for a section it hides
    if (ctx.goTo(id.slice(p.length)) || !store.usesHash) e.preventDefault();
  });

  function setStatus(text, ms) {
    const status = $('status');
    status.textContent = text;
    if (ms !== undefined) status.dataset.ms = String(ms);
  }

  let fatalFromLayer = false; // the fatal line shows a layer job's failure (cleared by a result)
  function showFatal(message, fromLayer = false) {
    const el = $('fatal');
    el.textContent = message;
    el.hidden = false;
    fatalFromLayer = fromLayer;
  }

  // the worker died: one line while a new one takes over, kept until the next change is drawn
  let recoveredAt = 0; // the request number after which a drawn result ends the line
  function workerNotice(text) {
    const el = $('worker-notice');
    el.textContent = text;
    el.hidden = !text;
    container.dataset.worker = text ? 'recovering' : 'ok';
  }
  const offEngine = engine.onEvent((e) => {
    if (destroyed) return;
    container.dataset.restarts = String(e.restarts);
    if (e.type === 'crash') {
      workerNotice(`The computation stopped (${e.reason}); starting it again…`);
      recoveredAt = Infinity;
    } else if (e.type === 'recovered') {
      workerNotice(
        `The computation stopped (${e.reason}) and was restarted with your last picture and settings.`,
      );
      recoveredAt = requested;
      container.dataset.worker = 'recovered';
    } else if (e.type === 'failed') {
      workerNotice('');
      showFatal(`The computation keeps stopping (${e.reason}). Reload the page.`);
    }
  });
  onDestroy(offEngine);
  onDestroy(showRefusals(store, $('lock-notice')));

  function syncDataset() {
    container.dataset.runs = String(runs);
    container.dataset.idle = String(drawn === requested);
  }

  /** Runs the layer on the current image and state; every panel draws the result. */
  async function recompute() {
    if (!ctx.sourceKey || destroyed) return;
    const key = ++requested;
    if (changedAt === null) changedAt = performance.now();
    syncDataset();
    const t0 = performance.now();
    const s = snapshot(store.state);
    let r;
    try {
      r = await engine.layer({
        key,
        source: ctx.sourceKey,
        state: s,
        extras: batchImages(s).map((name) => ({ name, url: ctx.photoUrl(name) })),
        have: input?.key,
        pictures: picturesWanted(),
      });
    } catch (e) {
      if (destroyed) return;
      if (e.name === 'WorkerCrash' && !engine.dead) {
        workerNotice(`The last change was skipped: ${e.message}.`);
      } else showFatal(e.message, true);
      return;
    }
    if (!r || destroyed) return; // superseded by a newer request
    const arrived = performance.now();
    if (runs === 0) performance.mark('convplay:first-result', { startTime: arrived });
    if (r.input.data === null) {
      if (r.input.key !== input?.key) return recompute(); // the page lost it (never expected)
      r.input = input;
    }
    input = r.input;
    result = r;
    if (fatalFromLayer) {
      $('fatal').hidden = true;
      fatalFromLayer = false;
    }
    if (key > recoveredAt) workerNotice('');
    const drawing = [];
    for (const panel of mounted) {
      if (!panel.view.update) continue;
      const begun = performance.now();
      try {
        drawing.push(panel.view.update(r));
      } catch (e) {
        console.error(`${panel.id}:`, e);
      }
      // each view's synchronous share of the redraw (npm run bench:page prints them)
      performance.measure(`convplay:update:${panel.id}`, { start: begun });
      measureNames.add(`convplay:update:${panel.id}`);
    }
    // a view may finish drawing in later tasks (many large maps): drawn when all are
    await Promise.all(drawing.map((d) => Promise.resolve(d).catch((e) => console.error(e))));
    if (destroyed || result !== r) return; // a newer result is being drawn
    drawn = key;
    runs += 1;
    const ms = performance.now() - t0;
    const start = changedAt;
    changedAt = drawn === requested ? null : changedAt;
    afterPaint(() => {
      const painted = performance.now();
      // from the input event to the frame that shows it, and from the worker's reply to that frame
      if (start !== null) performance.measure('convplay:redraw', { start, end: painted });
      performance.measure('convplay:draw', { start: arrived, end: painted });
      // the browser keeps every entry: a long session keeps the last MAX_MEASURES redraws' only
      if (runs % MAX_MEASURES === 0) {
        for (const name of measureNames) performance.clearMeasures(name);
      }
      if (runs === 1 && !performance.getEntriesByName('convplay:first-view').length) {
        performance.mark('convplay:first-view');
        performance.measure('convplay:first-view', { start: 0, end: 'convplay:first-view' });
      }
      resolveFirst?.();
    });
    syncDataset();
    container.dataset.layer = r.error ? 'error' : 'ok';
    const when = new Date().toLocaleTimeString();
    setStatus(
      r.error
        ? `Last computation at ${when}: impossible layer (${fmtMs(ms)} ms).`
        : `Last computation at ${when}: ${fmtMs(ms)} ms in all (forward pass ${fmtMs(r.ms.forward)} ms in the worker).`,
      ms,
    );
    container.dispatchEvent(new CustomEvent('convplay:result', { detail: r }));
  }

  /** fn once the frame that shows the last changes is painted (the task after the next frame). */
  function afterPaint(fn) {
    requestAnimationFrame(() => nextTask().then(fn));
  }

  store.subscribe((state, changed) => {
    if (changeKind(changed) === 'layer') recompute();
    onStateChange?.(state, changed, instance);
    container.dispatchEvent(
      new CustomEvent('convplay:statechange', { detail: { state, changed } }),
    );
  });

  // the panels of the static list: the layer's now, the others once the first view is painted
  const mounted = [];
  function mountPanel(panel) {
    const shown = panels.includes(panel.id);
    try {
      const view = panel.mount(ctx) ?? {};
      mounted.push({ id: panel.id, view });
      if (!shown && panel.section) $(panel.section).hidden = true;
      if (panel.optional && result) view.update?.(result);
    } catch (e) {
      console.error(`${panel.id}:`, e);
    }
  }
  for (const panel of PANELS) if (!panel.optional) mountPanel(panel);
  onDestroy(() => {
    for (const { view } of mounted) view.destroy?.();
  });
  // the first screen's two lines and "Start the lecture" belong to lecture mode
  container.querySelector('.cp-start').hidden = !panels.includes('lecture');
  fitNav(container, $);

  let resolveFirst;
  const first = new Promise((resolve) => {
    resolveFirst = resolve;
  });
  const ready = (async () => {
    try {
      await engine.ready;
    } catch (e) {
      $('boot').hidden = true;
      const seen = violations.stop();
      showFatal(
        explainLoadFailure(e, { violations: seen, assetBase, pageOrigin: location.origin }),
      );
      throw e;
    }
    violations.stop();
    $('boot').hidden = true;
    performance.mark('convplay:module-ready');
    emit('ready'); // the image panel loads the first image and computes the layer
    await first;
    // then the panels below mount, one task each, and start their own jobs: the first view
    // never waits for them, and the page answers input between them
    for (const panel of PANELS) {
      if (!panel.optional || !panels.includes(panel.id)) continue;
      await nextTask();
      if (destroyed) return;
      mountPanel(panel);
    }
    if (destroyed) return;
    fitNav(container, $); // with the links of the panels mounted since
    emit('started');
  })();
  ready.catch(() => {});

  const instance = {
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
      return result;
    },
    /** True while the last change waits (at most HASH_DELAY_MS) to be written to the URL. */
    get hashPending() {
      return store.hashPending;
    },
    /** True when the last change has been computed and drawn (and is in the URL). */
    get idle() {
      return drawn === requested && !engine.busy && !store.hashPending;
    },
    /** The public API of panel id (e.g. 'gradients', 'bnlab'), or undefined. */
    panel: (id) => mounted.find((m) => m.id === id)?.view.api,
    recompute,
    /**
     * A new worker in place of the current one (every image the page holds is sent to it
     * again), then the layer is computed again. Resolves when it is drawn.
     */
    async restartWorker() {
      await engine.restart();
      await recompute();
    },
    /** Gives the worker back when it is idle (true when it did); the views keep what they drew. */
    sleep() {
      if (destroyed || !engine.suspend()) return false;
      container.dataset.asleep = 'true';
      return true;
    },
    /** True while the instance has no worker (after sleep(), until wake()). */
    get asleep() {
      return engine.suspended;
    },
    /** A new worker with the same image and last layer; the jobs that waited are then sent. */
    async wake() {
      if (destroyed || !engine.suspended) return;
      delete container.dataset.asleep;
      await engine.resume();
    },
    /** Opens an image file (a Blob) as an upload. */
    openFile: (blob, name, opts) => ctx.openFile?.(blob, name, opts),
    /** The inspector's hovered pixel {k, y, x} (or null). */
    setHover: (h) => ctx.setHover?.(h),
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
  };
  return instance;
}

export { PANEL_IDS };
