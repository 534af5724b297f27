// <conv-playground>: a playground in its own shadow root, configured by
// attributes (options.js: one per state row, plus panels, locked, preset,
// image, theme, notebook) or the properties that mirror them (properties.js), for
// course pages:
//
//   <script type="module" src="embed.js"></script>
//   <conv-playground kernel="3" stride="2" padding="1" filters="8"
//                    panels="layer,volume,inspect" locked="stride"></conv-playground>
//   el.kernel = 5;  await el.ready;  el.addEventListener('convplay-change', ...)
//
// - The shadow root holds the instance (mountPlayground) and its style sheets:
//   the host page's CSS cannot reach in, except through the documented
//   ::part()s and --convplay-* custom properties (page/theme.js).
// - Every attribute is validated (common/values.js); what had to be refused or
//   clamped is listed in a visible note inside the element.
// - The instance is created when the element first comes near the viewport
//   and holds one of the page's few workers (budget.js): more than a screen
//   from the view it gives its worker back (it sleeps: its drawing stays);
//   more than three screens away it is taken down (its state kept, its
//   height too) and built again from that state when it returns. Moved in
//   the DOM, it keeps its instance; removed, it keeps its state for when it
//   is put back.
import { mountPlayground } from '../page/mount.js';
import { snapshot, parseHash } from '../common/state.js';
import { OBSERVED, readConfig } from './options.js';
import { patchHash } from './share.js';
import { createBudget } from './budget.js';
import { releaseLater } from '../page/radio-groups.js';
import { imageBytes } from './image-bytes.js';
import { applyAttributes } from './apply.js';
import { defineProperties, upgradeProperties, byAttribute, attributeNames } from './properties.js';
import embedCss from './embed.css?inline';
import { VERSION } from '../common/version.js';

const NEAR_MARGIN = '200px 0px'; // an element this close to the view starts
const FAR_MARGIN = '100% 0px'; // one farther than a screen away gives its worker back
const PARK_MARGIN = '300% 0px'; // one farther than three screens away is taken down
const RETRY_MS = 1000; // a busy instance far away gives its worker back when it is idle
let sheet = null; // one constructable style sheet for every element's shadow root
const budget = createBudget(3); // the page's workers: one per playground near the view

function ownSheet() {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(embedCss);
  }
  return sheet;
}

let count = 0;

/**
 * An interactive convolution layer (and the lecture's other panels) for a
 * course page: one attribute, and one property, per setting.
 *
 * @tag conv-playground
 * @summary A convplay playground: a convolution layer a student can change, computed in WebAssembly.
 *
 * @fires {CustomEvent<{state: Record<string, unknown>, changed: string[]}>} convplay-change -
 *   After every change of the state: detail.state holds every setting under its attribute
 *   name (kernel, padding, ...), detail.changed the attribute names that changed.
 * @fires {CustomEvent<{state: Record<string, unknown>, changed: string[]}>} change -
 *   The same change with the state table's short names (f, p, ...); kept for the pages
 *   written before convplay-change.
 * @fires {Event} load - The playground drew its first view (again after panels or locked
 *   changed, and when one taken down far from the view is built again).
 * @fires {CustomEvent<{message: string, attribute?: string}>} error - The WebAssembly
 *   module could not be loaded (ready then rejects), or image= could not be opened.
 *
 * @csspart playground - The playground: every panel and control.
 * @csspart panel - Every panel's section (each also has the part of its name, e.g. volume).
 * @csspart notes - The list of attribute values that were refused or clamped.
 *
 * @cssprop [--convplay-accent=#2166ac] - Buttons, links and selected things (#6aa9e0 in dark).
 * @cssprop [--convplay-accent-fg=#ffffff] - Text on the accent colour.
 * @cssprop [--convplay-bg=#fafafa] - The element's background.
 * @cssprop [--convplay-fg=#1b1b1f] - Text.
 * @cssprop [--convplay-muted=#5b5b66] - Secondary text.
 * @cssprop [--convplay-panel=#ffffff] - A panel's background.
 * @cssprop [--convplay-border=#d5d5dc] - Borders.
 * @cssprop [--convplay-focus=#e08a00] - The keyboard focus ring.
 * @cssprop [--convplay-radius=6px] - Corner radius of panels and buttons.
 * @cssprop [--convplay-font=system-ui, sans-serif] - The text's font.
 * @cssprop [--convplay-mono=ui-monospace, monospace] - Formulas' and numbers' font.
 */
export class ConvPlayground extends HTMLElement {
  static get observedAttributes() {
    return OBSERVED;
  }

  /** convplay's version (package.json's): `customElements.get('conv-playground').version`. */
  static get version() {
    return VERSION;
  }

  /** The most playgrounds of this page that hold a worker at once (default 3). */
  static get maxWorkers() {
    return budget.max;
  }

  static set maxWorkers(n) {
    if (!Number.isInteger(n) || n < 1) {
      throw new RangeError(`maxWorkers: ${String(n)} is not a whole number of at least 1`);
    }
    budget.max = n;
    budget.pump();
  }

  /** How many playgrounds of this page hold a worker now. */
  static get liveWorkers() {
    return budget.live;
  }

  constructor() {
    super();
    this.shadow = this.attachShadow({ mode: 'open' });
    this.shadow.adoptedStyleSheets = [ownSheet()];
    this.notesEl = document.createElement('div');
    this.notesEl.className = 'cp-embed-notes';
    this.notesEl.setAttribute('role', 'status');
    this.notesEl.setAttribute('part', 'notes');
    this.notesEl.hidden = true;
    this.mountEl = document.createElement('div');
    this.mountEl.className = 'cp-embed-root';
    this.shadow.append(this.notesEl, this.mountEl);
    this.instance = null;
    this.near = false; // near the view (the budget gives its workers to those first)
    this.inView = false; // in the view (before those only near it)
    this.far = false; // farther than a screen from the view: gives its worker back
    this.away = false; // farther than three screens: taken down
    this.pending = null; // attribute changes not yet applied: Set of names
    this.structure = ''; // panels, locked and notebook the instance was built with
    this.imageKey = ''; // the image= value last opened
    this.savedHash = null; // the state of a removed element, for when it is put back
    this.removedRoot = null; // the DOM of the instance it had then (radio-groups.js)
    this.waiting = false; // near the view, waiting for a worker
    this.configNotes = [];
    this.idPrefix = `cpe${++count}-`;
    this.observers = null;
    this.readyPromise = new Promise((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    this.readyPromise.catch(() => {}); // the 'error' event and the page say it
  }

  /** Resolves (with the element) when the first view is drawn; rejects when the module cannot load. */
  get ready() {
    return this.readyPromise;
  }

  /** The playground instance (null until the element first came into view). */
  get playground() {
    return this.instance;
  }

  /** The current state (a copy, the state table's short names), or null before the element came into view. */
  get state() {
    if (this.instance) return snapshot(this.instance.state);
    return this.savedHash === null ? null : parseHash(this.savedHash);
  }

  connectedCallback() {
    upgradeProperties(this);
    if (this.removedRoot) releaseLater(this.shadow, this.removedRoot);
    this.removedRoot = null;
    if (typeof IntersectionObserver === 'undefined') {
      this.near = true;
      this.inView = true;
      budget.request(this);
      return;
    }
    this.observers ??= this.makeObservers();
    for (const o of this.observers) o.observe(this);
  }

  makeObservers() {
    const watch = (margin, fn) =>
      new IntersectionObserver((entries) => fn(entries[entries.length - 1].isIntersecting), {
        rootMargin: margin,
      });
    return [
      watch('0px', (seen) => this.seen(seen)),
      watch(NEAR_MARGIN, (near) => this.nearView(near)),
      watch(FAR_MARGIN, (inside) => {
        this.far = !inside;
        this.giveBack();
      }),
      watch(PARK_MARGIN, (inside) => {
        this.away = !inside;
        this.takeDown();
      }),
    ];
  }

  /** Farther than a screen: gives the worker back, once the instance is idle. @internal */
  giveBack() {
    clearTimeout(this.giveBackTimer);
    if (!this.far || !budget.holds(this)) return;
    if (this.yieldWorker()) budget.release(this);
    else this.giveBackTimer = setTimeout(() => this.giveBack(), RETRY_MS);
  }

  /** Farther than three screens: taken down (or asleep), once the instance is idle. @internal */
  takeDown() {
    clearTimeout(this.takeDownTimer);
    if (!this.away || !this.instance) return;
    if (this.park()) budget.release(this);
    else this.takeDownTimer = setTimeout(() => this.takeDown(), RETRY_MS);
  }

  /** For the budget: 2 in view, 1 near it, 0 farther. @internal */
  get rank() {
    return this.inView ? 2 : this.near ? 1 : 0;
  }

  /** In the view (or not): one that waits for a worker now comes first. @internal */
  seen(inView) {
    this.inView = inView;
    if (inView && this.waiting) budget.pump();
  }

  /** Near the view: a worker for it; no longer near: it stops waiting for one. @internal */
  nearView(near) {
    this.near = near;
    if (near) this.want();
    else if (this.waiting) {
      budget.release(this);
      this.waiting = false;
      this.showNotes();
    }
  }

  disconnectedCallback() {
    for (const o of this.observers ?? []) o.unobserve(this);
    // moved in the DOM (removed and inserted in one go): nothing is lost
    queueMicrotask(() => {
      if (!this.isConnected) this.teardown();
    });
  }

  /** Removed from the page: the instance goes, its state is kept for a return. @internal */
  teardown() {
    if (this.instance) this.savedHash = this.instance.hash;
    this.removedRoot = this.instance?.root ?? null; // its radio buttons: released on return
    this.destroyInstance();
    this.structure = '';
    this.imageKey = '';
    this.near = this.inView = this.far = this.away = false;
    this.waiting = false;
    budget.release(this);
  }

  attributeChangedCallback(name, oldValue, newValue) {
    if (oldValue === newValue || (!this.instance && this.savedHash === null)) return;
    (this.pending ??= new Set()).add(name);
    if (this.near && budget.holds(this)) this.apply();
  }

  /** Near the view: a worker for it (now, or once the budget has one). @internal */
  want() {
    if (budget.holds(this)) {
      this.apply();
      return;
    }
    budget.request(this);
    if (!budget.holds(this)) {
      this.waiting = true;
      this.showNotes();
    }
  }

  /** The budget's call: this element may hold a worker. @internal */
  grant() {
    this.waiting = false;
    this.showNotes();
    this.apply();
  }

  /**
   * The budget's call: gives the worker back; false while it is busy. Taken
   * for an element of higher rank while still near the view, it asks for one
   * again (and waits, saying so). @internal
   */
  yieldWorker() {
    if (this.instance && !this.instance.sleep()) return false;
    queueMicrotask(() => {
      if (this.near && this.isConnected && !budget.holds(this)) this.want();
    });
    return true;
  }

  /**
   * Far from the view: the instance goes (its worker, its views and their
   * memory), its state (the whole hash) stays for its return; the element
   * keeps its height meanwhile. An instance that holds what its hash cannot
   * bring back (an uploaded image, the webcam, a trained network) only
   * sleeps. False while it is busy. @internal
   */
  park() {
    const instance = this.instance;
    if (!instance) return true;
    const img = instance.state.img;
    if (img === 'upload' || img === 'webcam' || instance.engine.keepsWork) return instance.sleep();
    if (!instance.idle) return false;
    this.mountEl.style.minHeight = `${Math.ceil(this.mountEl.getBoundingClientRect().height)}px`;
    this.savedHash = instance.hash;
    this.destroyInstance();
    this.structure = '';
    return true;
  }

  /** Destroys the instance so that nothing of it stays in memory. @internal */
  destroyInstance() {
    if (!this.instance) return;
    this.instance.destroy(); // it takes its radio buttons out of their groups first
    this.instance = null;
  }

  config() {
    return readConfig((n) => this.getAttribute(n), this.getAttributeNames(), {
      base: document.baseURI,
      origin: location.origin,
    });
  }

  showNotes(notes = this.configNotes) {
    this.configNotes = notes;
    const all = [...notes];
    if (this.waiting) {
      const n = budget.live;
      all.push(
        `Waiting for a free worker: ${n} playground${n === 1 ? ' on this page is' : 's on this page are'} ` +
          `computing; scroll ${n === 1 ? 'it' : 'one of them'} away.`,
      );
    }
    this.notesEl.replaceChildren(
      ...all.map((n) => {
        const p = document.createElement('p');
        p.textContent = n;
        return p;
      }),
    );
    this.notesEl.hidden = all.length === 0;
  }

  /** Creates the instance, wakes it, or applies the attribute changes that waited. @internal */
  apply() {
    const cfg = this.config();
    const structure = JSON.stringify([cfg.panels, cfg.locked, cfg.notebook]);
    if (this.instance && structure === this.structure) {
      if (this.instance.asleep) this.instance.wake();
      this.applyPending(cfg);
      return;
    }
    this.create(cfg, structure);
  }

  applyPending(cfg) {
    if (!this.pending?.size) return;
    const changed = [...this.pending];
    this.pending = null;
    if (applyAttributes(this.instance, cfg, changed)) this.imageKey = '';
    this.showNotes(cfg.notes);
    this.loadImage(cfg);
  }

  create(cfg, structure) {
    const restoring = this.savedHash !== null && !this.instance;
    this.destroyInstance();
    this.structure = structure;
    this.imageKey = '';
    const options = {
      // a hash: a lecture step's set-up is its base; a removed element's own state when put back
      initial: patchHash(cfg.patch), // the starting state (Reset returns to it)
      locked: cfg.locked,
      notebook: cfg.notebook,
      idPrefix: this.idPrefix,
      onStateChange: (state, changed) => this.announce(state, changed),
    };
    if (cfg.panels) options.panels = cfg.panels;
    const saved = this.savedHash;
    this.savedHash = null;
    if (!restoring) this.pending = null;
    const instance = mountPlayground(this.mountEl, options);
    this.instance = instance;
    this.exposeParts();
    instance.root.addEventListener('convplay:result', () => this.exposeParts());
    instance.ready.then(
      () => this.loaded(instance),
      (e) => this.failed(instance, e),
    );
    this.showNotes(cfg.notes);
    if (restoring) {
      instance.loadHash(saved); // the state it had, over that starting state
      this.applyPending(cfg);
    } else this.loadImage(cfg);
  }

  /** convplay-change (attribute names) and change (the state table's names). @internal */
  announce(state, changed) {
    const names = [...changed];
    const up = { bubbles: true, composed: true };
    const detail = { state: byAttribute(state), changed: attributeNames(names) };
    this.dispatchEvent(new CustomEvent('convplay-change', { ...up, detail }));
    this.dispatchEvent(
      new CustomEvent('change', { ...up, detail: { state: snapshot(state), changed: names } }),
    );
  }

  loaded(instance) {
    if (instance !== this.instance) return;
    this.keepHeightUntilGrown(instance);
    this.exposeParts();
    this.resolveReady(this);
    this.dispatchEvent(new Event('load'));
  }

  failed(instance, e) {
    if (instance !== this.instance) return;
    this.rejectReady(e);
    this.fireError(e.message);
  }

  /**
   * A parked element kept its height (mountEl's min-height): it goes once
   * the new instance has grown back to it (its panels below mount after the
   * first view), or at the student's first change.
   */
  keepHeightUntilGrown(instance) {
    const kept = parseFloat(this.mountEl.style.minHeight);
    if (!kept) return;
    const done = () => {
      this.mountEl.style.minHeight = '';
      watch.disconnect();
      instance.root.removeEventListener('convplay:statechange', done);
    };
    const watch = new ResizeObserver(() => {
      if (instance.root.getBoundingClientRect().height >= kept - 1) done();
    });
    watch.observe(instance.root);
    instance.root.addEventListener('convplay:statechange', done);
  }

  fireError(message, attribute) {
    const detail = attribute ? { message, attribute } : { message };
    this.dispatchEvent(new CustomEvent('error', { detail }));
  }

  /** part= on the playground and its panels (the page styles them with ::part()). @internal */
  exposeParts() {
    const root = this.instance?.root;
    if (!root) return;
    root.setAttribute('part', 'playground');
    for (const s of root.querySelectorAll('section.panel[data-part]')) {
      if (!s.hasAttribute('part')) s.setAttribute('part', `panel ${s.dataset.part}`);
    }
  }

  /** Opens image= (validated by options.js) as an upload, once per value. @internal */
  async loadImage(cfg) {
    const key = cfg.image?.url ?? '';
    if (key === this.imageKey) return;
    this.imageKey = key;
    if (!cfg.image) return;
    const instance = this.instance;
    try {
      const bytes = await imageBytes(key);
      await instance.ready;
      if (instance !== this.instance) return;
      // the teacher's image: part of the starting state (Reset returns to it), even when locked
      await instance.openFile(new Blob([bytes]), cfg.image.name, { start: true });
    } catch (e) {
      if (instance !== this.instance) return;
      const message = `image: could not load ${cfg.image.name}: ${e.message}`;
      this.showNotes([...cfg.notes, message]);
      this.fireError(message, 'image');
    }
  }
}

defineProperties(ConvPlayground);

/** Defines <conv-playground> once (a second embed.js on the page changes nothing). */
export function defineElement(name = 'conv-playground') {
  if (!customElements.get(name)) customElements.define(name, ConvPlayground);
}
