// <conv-playground>: a playground in its own shadow root, configured by
// attributes (options.js: one per state row, plus panels, locked, preset,
// image), for course pages:
//
//   <script type="module" src="embed.js"></script>
//   <conv-playground kernel="3" stride="2" padding="1" filters="8"
//                    panels="layer,volume,inspect" locked="stride"></conv-playground>
//
// - The shadow root holds the instance (mountPlayground) and its style sheets:
//   the host page's CSS cannot reach in, the playground's cannot leak out.
// - Every attribute is validated (values.js); what had to be refused or
//   clamped is listed in a visible note inside the element. Changing an
//   attribute later updates the instance (panels and locked rebuild it).
// - Every state change fires a 'change' event on the element:
//   event.detail = {state, changed: [names]}.
// - image= takes a same-origin URL or a data: URL of an image, opened as an
//   upload; anything else is refused with a visible message.
// - The instance is created when the element first comes near the viewport
//   (IntersectionObserver); while it is out of view, attribute changes wait
//   and nothing is computed. Several elements are independent instances.
import { mountPlayground } from '../page/mount.js';
import { snapshot } from '../common/state.js';
import { decodeDataUrl } from '../common/bytes.js';
import { ATTRIBUTES, OBSERVED, readConfig } from './options.js';
import { patchHash } from './share.js';
import embedCss from './embed.css?inline';
import { VERSION } from '../common/version.js';

const MAX_IMAGE_BYTES = 50 * 1024 * 1024;
let sheet = null; // one constructable style sheet for every element's shadow root

function ownSheet() {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(embedCss);
  }
  return sheet;
}

let count = 0;

export class ConvPlayground extends HTMLElement {
  static get observedAttributes() {
    return OBSERVED;
  }

  /** convplay's version (package.json's): `customElements.get('conv-playground').version`. */
  static get version() {
    return VERSION;
  }

  constructor() {
    super();
    this.shadow = this.attachShadow({ mode: 'open' });
    this.shadow.adoptedStyleSheets = [ownSheet()];
    this.notesEl = document.createElement('div');
    this.notesEl.className = 'cp-embed-notes';
    this.notesEl.setAttribute('role', 'status');
    this.notesEl.hidden = true;
    this.mountEl = document.createElement('div');
    this.mountEl.className = 'cp-embed-root';
    this.shadow.append(this.notesEl, this.mountEl);
    this.instance = null;
    this.visible = false;
    this.pending = null; // attribute changes not yet applied: Set of names
    this.structure = ''; // panels + locked the instance was built with
    this.imageKey = ''; // the image= value last opened
    this.idPrefix = `cpe${++count}-`;
    this.observer = null;
  }

  /** The playground instance (null until the element first came into view). */
  get playground() {
    return this.instance;
  }

  /** The current state (a copy), or null before the instance exists. */
  get state() {
    return this.instance ? snapshot(this.instance.state) : null;
  }

  connectedCallback() {
    if (typeof IntersectionObserver === 'undefined') {
      this.visible = true;
      this.build();
      return;
    }
    this.observer = new IntersectionObserver(
      (entries) => {
        const e = entries[entries.length - 1];
        this.visible = e.isIntersecting;
        if (this.visible) this.build();
      },
      { rootMargin: '200px 0px' },
    );
    this.observer.observe(this);
  }

  disconnectedCallback() {
    this.observer?.disconnect();
    this.observer = null;
    this.instance?.destroy();
    this.instance = null;
    this.structure = '';
    this.imageKey = '';
  }

  attributeChangedCallback(name, oldValue, newValue) {
    if (oldValue === newValue || !this.instance) return;
    (this.pending ??= new Set()).add(name);
    if (this.visible) this.build();
  }

  config() {
    return readConfig((n) => this.getAttribute(n), this.getAttributeNames(), {
      base: document.baseURI,
      origin: location.origin,
    });
  }

  showNotes(notes) {
    this.notesEl.replaceChildren(
      ...notes.map((n) => {
        const p = document.createElement('p');
        p.textContent = n;
        return p;
      }),
    );
    this.notesEl.hidden = notes.length === 0;
  }

  /** Creates the instance, or applies the attribute changes that waited. */
  build() {
    const cfg = this.config();
    const structure = JSON.stringify([cfg.panels, cfg.locked]);
    if (this.instance && structure === this.structure) {
      if (this.pending?.size) {
        const changed = [...this.pending];
        this.pending = null;
        // the attributes are the starting state (Reset returns to it, locked rows keep it)
        if (changed.includes('preset') || changed.includes('lecture-step')) {
          // a new set-up: the attributes' whole state, over that set-up's base
          this.instance.restart(patchHash(cfg.patch));
          this.imageKey = '';
        } else {
          const rows = changed.map((n) => ATTRIBUTES.find((x) => x.attr === n)?.row.name);
          this.instance.restart(patchHash(cfg.patch), rows.filter(Boolean));
        }
        this.showNotes(cfg.notes);
        this.loadImage(cfg);
      }
      return;
    }
    this.pending = null;
    this.instance?.destroy();
    this.structure = structure;
    this.imageKey = '';
    const options = {
      initial: patchHash(cfg.patch), // a hash: a lecture step's set-up is its base
      locked: cfg.locked,
      idPrefix: this.idPrefix,
      onStateChange: (state, changed) => {
        this.dispatchEvent(
          new CustomEvent('change', {
            detail: { state: snapshot(state), changed: [...changed] },
            bubbles: true,
            composed: true,
          }),
        );
      },
    };
    if (cfg.panels) options.panels = cfg.panels;
    this.instance = mountPlayground(this.mountEl, options);
    this.showNotes(cfg.notes);
    this.loadImage(cfg);
  }

  /** Opens image= (validated by options.js) as an upload, once per value. */
  async loadImage(cfg) {
    const key = cfg.image?.url ?? '';
    if (key === this.imageKey) return;
    this.imageKey = key;
    if (!cfg.image) return;
    const instance = this.instance;
    try {
      let bytes;
      if (key.startsWith('data:')) bytes = decodeDataUrl(key);
      else {
        const res = await fetch(key, { credentials: 'same-origin' });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        const length = Number(res.headers.get('content-length') || 0);
        if (length > MAX_IMAGE_BYTES)
          throw new Error(`${length} bytes is more than ${MAX_IMAGE_BYTES}`);
        bytes = new Uint8Array(await res.arrayBuffer());
      }
      if (bytes.length > MAX_IMAGE_BYTES)
        throw new Error(`${bytes.length} bytes is more than ${MAX_IMAGE_BYTES}`);
      await instance.ready;
      if (instance !== this.instance) return;
      await instance.openFile(new Blob([bytes]), cfg.image.name);
    } catch (e) {
      if (instance !== this.instance) return;
      this.showNotes([...cfg.notes, `image: could not load ${cfg.image.name}: ${e.message}`]);
    }
  }
}

/** Defines <conv-playground> once (a second embed.js on the page changes nothing). */
export function defineElement(name = 'conv-playground') {
  if (!customElements.get(name)) customElements.define(name, ConvPlayground);
}
