// The context every panel of an instance gets (playground.d.ts PanelContext):
// the instance's state and its actions, its engine, its DOM helpers, an event
// bus, and the named services (the source, the inspected pixel, the filter
// actions, the AlexNet exercise's result). It is made whole before any panel
// mounts and frozen: a panel adds nothing to it, and reading a member it does
// not declare is an error, so the order in which panels mount does not matter.
import { isAnchorHash } from '../common/state.js';

/** The sections panels add to .stage (ctx.slot) and to the navigation (ctx.addNav), in order. */
export const SECTION_ORDER = [
  'gradients',
  'stepper',
  'alexnet',
  'code-panel',
  'lecture',
  'bnlab',
  'nnlab',
];

const rank = (id) => {
  const i = SECTION_ORDER.indexOf(id);
  return i < 0 ? SECTION_ORDER.length : i;
};

/** An event bus between the panels of one instance; listeners are removed with it. */
export function createBus(onDestroy) {
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
  return { on, emit };
}

/** $, slot, goTo and addNav over the instance's element (container) and id prefix p. */
export function domHelpers(container, p) {
  const doc = container.ownerDocument;
  const $ = (name) => container.querySelector(`#${CSS.escape(p + name)}`);
  const stage = container.querySelector('.stage');
  /** The section of a panel (created in .stage, in SECTION_ORDER, when the markup has none). */
  function slot(id) {
    let el = $(id);
    if (!el) {
      el = doc.createElement('section');
      el.id = p + id;
      el.dataset.part = id;
      el.className = 'panel plugin';
      const after = [...stage.querySelectorAll(':scope > section.plugin')].find(
        (s) => rank(s.dataset.part) > rank(id),
      );
      stage.insertBefore(el, after ?? null);
    }
    el.hidden = false;
    return el;
  }
  /** Scrolls to the section id (unprefixed) and focuses it (unless focus: false), without touching the URL. */
  function goTo(id, { focus = true } = {}) {
    const target = $(id);
    if (!target || target.hidden) return false;
    target.scrollIntoView({ behavior: 'smooth', block: 'start' });
    if (!focus) return true;
    if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
    target.focus({ preventScroll: true });
    return true;
  }
  /** A link to section id in the instance's navigation, once, in SECTION_ORDER. */
  function addNav(id, text) {
    const nav = $('nav');
    if (!nav || nav.querySelector(`a[data-section="${id}"]`)) return;
    const a = doc.createElement('a');
    a.href = `#${p}${id}`;
    a.textContent = text;
    a.dataset.section = id;
    const after = [...nav.querySelectorAll('a[data-section]')].find(
      (x) => rank(x.dataset.section) > rank(id),
    );
    nav.insertBefore(a, after ?? null);
  }
  return { $, slot, goTo, addNav };
}

/** In-page links scroll to their section without touching the URL hash (the hash is the state). */
export function followAnchors(ctx, prefix, usesHash) {
  ctx.listen(ctx.root, 'click', (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) {
      return;
    }
    const a = e.target.closest?.('a[href^="#"]');
    if (!a || !ctx.root.contains(a)) return;
    const href = a.getAttribute('href');
    if (!isAnchorHash(href)) return;
    let id;
    try {
      id = decodeURIComponent(href.slice(1));
    } catch {
      return;
    }
    if (!id.startsWith(prefix)) return;
    // an embedded instance never writes the host page's URL, even for a section it hides
    if (ctx.goTo(id.slice(prefix.length)) || !usesHash) e.preventDefault();
  });
}

// read by the platform or by tools on any object (promises, JSON, inspection): never an error
const PASSING = new Set(['then', 'toJSON', 'constructor', 'nodeType', 'asymmetricMatch']);

/**
 * Freezes ctx: writing a member throws (in sloppy code too), and so does reading
 * a member it does not have, naming it (a panel that expects a service nobody
 * declared fails at once, not with a silent undefined).
 */
export function sealContext(ctx) {
  Object.freeze(ctx);
  return new Proxy(ctx, {
    get(target, name, receiver) {
      if (typeof name === 'string' && !(name in target) && !PASSING.has(name)) {
        throw new TypeError(
          `ctx.${name} is not part of the playground's context (page/playground.d.ts PanelContext)`,
        );
      }
      return Reflect.get(target, name, receiver);
    },
    set(target, name) {
      throw new TypeError(
        `ctx is frozen: a panel cannot add ${String(name)} (declare a service in page/context.js)`,
      );
    },
    defineProperty(target, name) {
      throw new TypeError(
        `ctx is frozen: a panel cannot add ${String(name)} (declare a service in page/context.js)`,
      );
    },
  });
}

/**
 * The ctx of one instance. store: its state store; the rest are the instance's
 * parts (see mount.js).
 */
export function createContext({ store, engine, container, prefix, onDestroy, bus, services, run }) {
  const dom = domHelpers(container, prefix);
  let inView = true;
  const ctx = {
    root: container,
    doc: container.ownerDocument,
    engine,
    id: (name) => prefix + name,
    ...dom,
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
      return run.result;
    },
    locked: (name) => store.isLocked(name),
    on: bus.on,
    emit: bus.emit,
    onDestroy,
    /** addEventListener, removed when the instance is destroyed. */
    listen(target, type, fn, opts) {
      target.addEventListener(type, fn, opts);
      onDestroy(() => target.removeEventListener(type, fn, opts));
    },
    photoUrl: services.photoUrl,
    /** false while no part of the instance is on screen ('view' is emitted on a change) */
    get inView() {
      return inView;
    },
    recompute: () => run.recompute(),
    source: services.source,
    pixel: services.pixel,
    filters: services.filters,
    alexnet: services.alexnet,
    notebook: services.notebook,
  };
  watchInView(container, onDestroy, (on) => {
    inView = on;
    bus.emit('view', on);
  });
  return sealContext(ctx);
}

/**
 * An instance scrolled out of view stops what runs by itself (step-through
 * playback, webcam frames) until it is back: fn(inView) on every change.
 */
function watchInView(container, onDestroy, fn) {
  if (typeof IntersectionObserver === 'undefined') return;
  let inView = true;
  const seen = new IntersectionObserver((entries) => {
    const now = entries.at(-1).isIntersecting;
    if (now === inView) return;
    inView = now;
    container.dataset.inView = String(now);
    fn(now);
  });
  seen.observe(container);
  onDestroy(() => seen.disconnect());
}

/** The AlexNet exercise's last {geometry, output} (the lecture checks it), or null. */
export function createLatest() {
  let latest = null;
  return Object.freeze({
    latest: () => latest,
    publish(value) {
      latest = value;
    },
  });
}
