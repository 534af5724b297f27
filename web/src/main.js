// Startup: wires the state, the engine and the panels together.
//
// The app object handed to every panel (and to the other modules, below):
//   app.state                 the one state object (read-only; change it with app.set/update)
//   app.set(name, value)      change one field -> hash written, recompute
//   app.update({...})         change several fields at once
//   app.loadHash(hash)        replace the whole state (e.g. a lecture step's link)
//   app.S                     the whole state module (PROPS, addProps, helpers)
//   app.engine                the shared engine (engine.call(method, ...args) runs any API method)
//   app.result                the last pipeline result {input, geometry, output, error, ...}
//   app.request               the request that produced it {weights, bias, params, extras, ...}
//                             (extras: images 2 .. N of the batch, state row 'batch')
//   app.onResult(fn)          fn(result, request) after every computation; returns unsubscribe
//   app.recompute()           run the pipeline now (done automatically on every state change)
//   app.slot(id)              the <section id=id> mount point (un-hidden), created if missing
//   app.render                the render module (drawDiverging, makeLegend, fmt, ...)
//
// Other modules plug in without editing this file: web/src/panels/stepper.js,
// alexnet.js, lecture.js and web/src/bnlab/index.js are loaded when they exist,
// and their exported mount(app) is called once the module is ready. index.html
// has a <section> for each (#stepper, #alexnet, #lecture, #bnlab).
import * as S from './state.js';
import { getEngine } from './engine.js';
import { buildWeights } from './filters.js';
import * as render from './render.js';
import { mountImagePanel, PHOTOS } from './panels/image.js';
import { mountControls } from './panels/controls.js';
import { mountVolume } from './panels/volume.js';
import { mountFormula } from './panels/formula.js';
import { mountEditor } from './panels/editor.js';
import { mountInspector } from './panels/inspect.js';
import { goToSection } from './panels/panelcss.js';

performance.mark('convplay:start');

const engine = getEngine();
const resultListeners = new Set();
let runs = 0;
let requested = 0;   // recompute() calls
let drawn = 0;       // the request number of the last result drawn

const app = {
  S,
  state: S.state,
  set: S.set,
  update: S.update,
  loadHash: S.loadHash,
  engine,
  render,
  result: null,
  request: null,
  sourceKey: null,          // the worker key of the current image (set by the image panel)
  onResult(fn) { resultListeners.add(fn); return () => resultListeners.delete(fn); },
  slot(id) {
    let el = document.getElementById(id);
    if (!el) {
      el = document.createElement('section');
      el.id = id;
      el.className = 'panel plugin';
      document.querySelector('.stage').append(el);
    }
    el.hidden = false;
    return el;
  },
  recompute,
  /** True when the last change has been computed and drawn. */
  get idle() { return drawn === requested && !engine.busy; },
};
if (typeof window !== 'undefined') window.convplay = app;  // for the console and the tests

/** Images 2 .. N of the batch: {name, url} (url of a sample photo, null for a synthetic one). */
function batchExtras(s) {
  return S.batchImages(s).map((name) => ({ name, url: PHOTOS[name] ? new URL(PHOTOS[name], document.baseURI).href : null }));
}

function requestOf(s) {
  const { weights, bias } = buildWeights(s);
  return { source: app.sourceKey, size: s.size, fit: s.fit, grey: s.grey, weights, bias, params: S.convParams(s),
    extras: batchExtras(s) };
}

async function recompute() {
  if (!app.sourceKey) return;
  const req = requestOf(S.state);
  const seq = ++requested;
  document.documentElement.dataset.idle = 'false';
  const t0 = performance.now();
  let r;
  try {
    r = await engine.run(req);
  } catch (e) {
    showFatal(e.message);
    return;
  }
  if (!r) return;  // superseded by a newer request
  drawn = seq;
  app.result = r;
  app.request = req;
  runs += 1;
  for (const fn of resultListeners) {
    try { fn(r, req); } catch (e) { console.error(e); }
  }
  const ms = performance.now() - t0;
  performance.mark('convplay:computed');
  if (runs === 1) {
    performance.mark('convplay:first-view');
    performance.measure('convplay:first-view', { start: 0, end: 'convplay:first-view' });
  }
  document.documentElement.dataset.runs = String(runs);
  document.documentElement.dataset.idle = String(drawn === requested);
  document.documentElement.dataset.layer = r.error ? 'error' : 'ok';
  const status = document.getElementById('status');
  const when = new Date().toLocaleTimeString();
  status.textContent = r.error
    ? `Last computation at ${when}: impossible layer (${fmtMs(ms)} ms).`
    : `Last computation at ${when}: ${fmtMs(ms)} ms in all (forward pass ${fmtMs(r.ms.forward)} ms in the worker).`;
  status.dataset.ms = String(ms);
}

function fmtMs(ms) { return ms < 10 ? ms.toFixed(1) : String(Math.round(ms)); }

function showFatal(message) {
  const el = document.getElementById('fatal');
  el.textContent = message;
  el.hidden = false;
}

// Every change recomputes at once, except the ones that only change the display
// (rows marked display: true in the PROPS table: the pinned pixel, the colour
// scale, the step-through's, the lecture's, the batch-norm lab's, the gradients'
// loss and learning rate); the panels that show those redraw themselves.
S.subscribe((s, changed) => {
  if (!S.displayOnly(changed)) recompute();
});

// In-page links (the header's navigation, "Skip to the layer", any "#section")
// scroll to their section without touching the URL hash: the hash is the state.
// (state.js also ignores such a hash if one gets there another way.)
document.addEventListener('click', (e) => {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = e.target.closest?.('a[href^="#"]');
  if (!a) return;
  const hash = a.getAttribute('href');
  if (!S.isAnchorHash(hash)) return;
  let id;
  try { id = decodeURIComponent(hash.slice(1)); } catch { return; }
  if (goToSection(id)) e.preventDefault();
});

async function start() {
  mountControls(app);
  mountVolume(app);
  mountFormula(app);
  mountEditor(app);
  mountInspector(app);
  const image = mountImagePanel(app);
  try {
    await engine.ready;
  } catch (e) {
    document.getElementById('boot').hidden = true;
    showFatal(`${e.message}. Build it with "bash scripts/build.sh wasm" (or run "npm start").`);
    return;
  }
  document.getElementById('boot').hidden = true;
  await image.loadInitial();
  await recompute();
  // the other modules, when present
  const plugins = import.meta.glob(['./panels/stepper.js', './panels/alexnet.js', './panels/lecture.js', './bnlab/index.js', './panels/gradients.js']);
  for (const [path, load] of Object.entries(plugins)) {
    load().then((m) => m.mount?.(app)).catch((e) => console.error(`${path}:`, e));
  }
}

start();
