// Lecture mode: the lecture, step by step, in its own order. Each step is a
// prepared state of the playground (a patch over the defaults, applied as one
// URL hash, so every step has its own link), two or three sentences, and the
// sizes it states — which the panel checks against what the page computes
// (the module's geometry) and shows beside them.
//
// Other modules add steps with addSteps(steps, {at: 'front'}) (the gradients
// issue puts the batch-norm steps at the front, where the lecture starts), or
// by editing the exported STEPS array before the panel mounts. A step is
//   { id, title, text: [sentences], formula?: [lines], patch: {state fields},
//     expect?: { input: [W, H, D], output: [W, H, D], where?: 'layer' | 'alexnet' },
//     focus?: id of the section to look at, check?(app) -> string | null }
// `id` is at most 16 characters of [A-Za-z0-9_.-] (it is the `lstep` field).
import * as S from '../state.js';
import { loadPanelCss, goToSection, addNavLink } from './panelcss.js';
import { ALEX_PATCH, alexResult } from './alexnet.js';
import './stepper.js';
import { el } from '../dom.js';

const grey128 = { img: 'chelsea', size: 128, fit: 'square', grey: true, p: 1, f: 3, s: 1, k: 1 };
const tiny = { img: 'circle', size: 7, fit: 'square', grey: true, k: 1, filters: ['box'], sn: 7, sin: 'grid', sk: 'ints' };

export const STEPS = [
  {
    id: 'sobel',
    title: '2D convolution of a grey image with a Sobel filter',
    text: [
      'A grey image is a 2D array X. A 3 × 3 filter W slides over it; at each pixel the output is the sum of the nine products of the filter with the pixels under it.',
      'The Sobel x filter responds to vertical edges: red where the image gets brighter from left to right, blue where it gets darker. With P = 1 the 128 × 128 image gives a 128 × 128 feature map.',
    ],
    formula: ['Y(i, j) = Σa Σb X(i + a, j + b) · W(⌊F/2⌋ + a, ⌊F/2⌋ + b),   a, b = -⌊F/2⌋ … ⌊F/2⌋   (cross-correlation)'],
    patch: { ...grey128, filters: ['sobelx'], mode: 'xcorr' },
    expect: { input: [128, 128, 1], output: [128, 128, 1] },
    focus: 'volume',
  },
  {
    id: 'flip',
    title: 'The kernel centred and flipped: true convolution vs cross-correlation',
    text: [
      'The lecture centres the kernel on the pixel of interest and reads the image backwards, X(i - a, j - b): that is true convolution, the same as rotating the kernel 180° before sliding it.',
      'Sobel x rotated 180° is minus Sobel x, so the colours of the map swap. Deep-learning libraries compute cross-correlation (no flip) and still call it convolution; a learned filter simply comes out flipped. The step-through below shows the flipped weights.',
    ],
    formula: ['Y(i, j) = Σa Σb X(i - a, j - b) · W(⌊K1/2⌋ + a, ⌊K2/2⌋ + b),   a = -⌊K1/2⌋ … ⌊K1/2⌋,  b = -⌊K2/2⌋ … ⌊K2/2⌋'],
    patch: { ...grey128, filters: ['sobelx'], mode: 'conv', sk: 'layer' },
    expect: { input: [128, 128, 1], output: [128, 128, 1] },
    focus: 'volume',
  },
  {
    id: 'rgb',
    title: 'A 3D filter on an RGB image gives one 2D feature map',
    text: [
      'A colour image is a volume W1 × H1 × D1 with D1 = 3. A filter is a volume F × F × D1: its depth always equals the input\'s, so it slides only along height and width.',
      'Each placement multiplies 3 × 3 × 3 = 27 numbers and sums them into one scalar, so one filter gives one 2D map: 128 × 128 × 3 in, 128 × 128 × 1 out.',
    ],
    patch: { ...grey128, grey: false, filters: ['sobelx'], mode: 'xcorr' },
    expect: { input: [128, 128, 3], output: [128, 128, 1] },
    focus: 'volume',
  },
  {
    id: 'kfilters',
    title: 'K filters give an output volume of depth K',
    text: [
      'Run K filters (here Sobel x, Sobel y, a Gaussian blur and a sharpen filter) and stack their K feature maps: the output is a volume of depth D2 = K.',
      'The input 128 × 128 × 3 gives 128 × 128 × 4. Weights: F·F·D1·K + K = 3·3·3·4 + 4 = 112 parameters.',
    ],
    patch: { ...grey128, grey: false, k: 4, filters: ['sobelx', 'sobely', 'gauss', 'sharpen'], mode: 'xcorr' },
    expect: { input: [128, 128, 3], output: [128, 128, 4] },
    focus: 'volume',
  },
  {
    id: 'nopad',
    title: 'No padding: 7 × 7 with a 5 × 5 kernel gives 3 × 3',
    text: [
      'Without padding the kernel cannot be centred on the border pixels, so the output shrinks: W2 = W1 - F + 1.',
      'A 7 × 7 input with a 5 × 5 kernel gives 7 - 5 + 1 = 3: a 3 × 3 output. Step through it below.',
    ],
    formula: ['W2 = W1 - F + 1 = 7 - 5 + 1 = 3'],
    patch: { ...tiny, f: 5, p: 0, s: 1 },
    expect: { input: [7, 7, 1], output: [3, 3, 1] },
    focus: 'stepper',
  },
  {
    id: 'pad',
    title: 'Padding P = 1 keeps 7 × 7 with a 3 × 3 kernel',
    text: [
      'Zero padding adds P rows and columns of zeros on every side, so the kernel can be centred on the border pixels: W2 = W1 - F + 2P + 1.',
      'A 7 × 7 input padded to 9 × 9, with a 3 × 3 kernel, gives 7 - 3 + 2 + 1 = 7: the output stays 7 × 7. Try the other padding modes (replicate, reflect, circular) from week 1.',
    ],
    formula: ['W2 = W1 - F + 2P + 1 = 7 - 3 + 2*1 + 1 = 7'],
    patch: { ...tiny, f: 3, p: 1, s: 1 },
    expect: { input: [7, 7, 1], output: [7, 7, 1] },
    focus: 'stepper',
  },
  {
    id: 'stride',
    title: 'Stride 2: 7 × 7 with a 3 × 3 kernel gives 3 × 3',
    text: [
      'Stride S applies the filter every S pixels, along rows and columns: W2 = (W1 - F + 2P)/S + 1.',
      'A 7 × 7 input, a 3 × 3 kernel, no padding and S = 2 give (7 - 3)/2 + 1 = 3: a 3 × 3 output. When the division is not exact, libraries take the floor.',
    ],
    formula: ['W2 = (W1 - F + 2P)/S + 1 = (7 - 3 + 2*0)/2 + 1 = 3'],
    patch: { ...tiny, f: 3, p: 0, s: 2 },
    expect: { input: [7, 7, 1], output: [3, 3, 1] },
    focus: 'stepper',
  },
  {
    id: 'alexnet',
    title: 'The AlexNet exercise: 227 × 227 × 3, 96 filters of 11 × 11 × 3, S = 4',
    text: [
      'AlexNet\'s first layer: a 227 × 227 × 3 input, 96 filters of 11 × 11 × 3, stride 4, no padding. W2 = H2 = (227 - 11)/4 + 1 = 55 and D2 = 96: the output is 55 × 55 × 96.',
      'Here one chooses the weights and the output size follows: 11·11·3·96 = 34,848 weights + 96 biases. The layer above shows the first 16 maps; the AlexNet exercise below shows all 96, and why the paper\'s 224 does not work.',
    ],
    formula: ['W2 = (227 - 11 + 2*0)/4 + 1 = 55,   D2 = K = 96'],
    patch: { ...ALEX_PATCH },
    expect: { input: [227, 227, 3], output: [55, 55, 96], where: 'alexnet' },
    focus: 'alexnet',
  },
];

const listeners = new Set();

/** Adds steps (at the front by default, e.g. the batch-norm backprop steps). */
export function addSteps(steps, { at = 'front' } = {}) {
  const fresh = steps.filter((s) => !STEPS.some((t) => t.id === s.id));
  if (at === 'front') STEPS.unshift(...fresh);
  else STEPS.push(...fresh);
  for (const fn of listeners) fn();
}

/** The URL hash (without '#') of a step: the defaults, the step's patch, lstep = its id. */
export function stepHash(step) {
  return S.serialize({ ...S.defaults(), ...step.patch, lstep: step.id });
}

const dimsText = (d) => `${d[0]} × ${d[1]} × ${d[2]}`;

export function mountLecture(root, app) {
  loadPanelCss();
  // A step's patch is the base of the URL hash: `#lstep=sobel` alone opens
  // that step as prepared, and its links carry only what differs from it.
  S.setBase((s) => STEPS.find((step) => step.id === s.lstep)?.patch ?? {});
  if (app.state.lstep && typeof location !== 'undefined') app.loadHash(location.hash);
  root.classList.add('cp-lecture');
  root.setAttribute('aria-labelledby', 'lecture-h');
  const home = { parent: root.parentNode, next: root.nextSibling };

  const h = el('h2', { id: 'lecture-h', text: 'The lecture, step by step' });
  const startBtn = el('button', { type: 'button', class: 'primary cp-lec-start' }, 'Start the lecture');
  const leaveBtn = el('button', { type: 'button', class: 'cp-lec-leave' }, 'Leave the lecture');
  const counter = el('p', { class: 'cp-lec-counter', 'aria-live': 'polite' });
  const title = el('h3', { class: 'cp-lec-title', id: 'lecture-step-title', tabindex: '-1' });
  const body = el('div', { class: 'cp-lec-body' });
  const sizes = el('p', { class: 'cp-lec-sizes' });
  const shown = el('p', { class: 'cp-lec-shown', role: 'status', 'aria-live': 'polite' });
  const prev = el('button', { type: 'button', class: 'cp-lec-prev' }, '← Previous');
  const next = el('button', { type: 'button', class: 'cp-lec-next primary' }, 'Next →');
  const resetBtn = el('button', { type: 'button', class: 'cp-lec-reset' }, 'Reset this step');
  const link = el('a', { class: 'cp-lec-link' }, 'Link to this step');
  const look = el('a', { class: 'cp-lec-look' });
  const nav = el('div', { class: 'cp-lec-nav', role: 'group', 'aria-label': 'Lecture steps' }, prev, next, resetBtn, link, look);
  const list = el('ol', { class: 'cp-lec-list' });
  const listBox = el('details', { class: 'cp-lec-all' }, el('summary', { text: 'All steps' }), list);
  const intro = el('p', { class: 'cp-lec-intro', text: 'Walk through the lecture in its own order: each step sets up the playground, explains what you see in two or three sentences and states the sizes, which you can check on the page.' });
  const active = el('div', { class: 'cp-lec-active' }, counter, title, body, sizes, shown, nav);
  root.replaceChildren(el('div', { class: 'cp-lec-head' }, h, startBtn, leaveBtn), intro, active, listBox);
  root.hidden = false;

  const index = () => STEPS.findIndex((s) => s.id === app.state.lstep);
  const go = (i) => {
    const step = STEPS[Math.max(0, Math.min(STEPS.length - 1, i))];
    if (!step) return;
    const hash = stepHash(step);
    try { history.pushState(null, '', `#${hash}`); } catch { /* e.g. a sandboxed frame */ }
    app.loadHash(hash);   // the whole state becomes the step's (Back returns to the previous step)
    title.focus({ preventScroll: true });
    if (root.getBoundingClientRect().top < 0) root.scrollIntoView({ block: 'start' });
  };
  startBtn.addEventListener('click', () => {
    go(Math.max(0, index()));
    root.scrollIntoView({ block: 'start' });
  });
  leaveBtn.addEventListener('click', () => app.set('lstep', ''));
  prev.addEventListener('click', () => go(index() - 1));
  next.addEventListener('click', () => go(index() + 1));
  resetBtn.addEventListener('click', () => { const i = index(); if (i >= 0) app.loadHash(stepHash(STEPS[i])); });

  function drawList() {
    list.replaceChildren(...STEPS.map((s, i) => el('li', {},
      el('a', { href: `#${stepHash(s)}`, 'aria-current': s.id === app.state.lstep ? 'step' : null, text: s.title, 'data-step': s.id, 'data-i': String(i) }))));
  }

  /** The sizes the page shows now (from the module's geometry), or null. */
  function pageSizes(step) {
    if (step.expect?.where === 'alexnet') {
      const a = alexResult();
      if (!a || !app.state.alex) return null;
      const g = a.geometry;
      return { input: [g.input[3], g.input[2], g.input[1]], output: [g.output[3], g.output[2], g.output[1]] };
    }
    const r = app.result;
    if (!r?.geometry) return null;
    const g = r.geometry;
    return { input: [g.input[3], g.input[2], g.input[1]], output: [g.output[3], g.output[2], g.output[1]] };
  }

  function check() {
    const i = index();
    const step = STEPS[i];
    if (!step || !step.expect) { shown.textContent = ''; return; }
    const now = pageSizes(step);
    if (!now) { shown.textContent = 'Computing…'; delete root.dataset.match; return; }
    const ok = dimsText(now.input) === dimsText(step.expect.input) && dimsText(now.output) === dimsText(step.expect.output);
    const where = step.expect.where === 'alexnet' ? 'The AlexNet exercise shows' : 'The page shows';
    shown.replaceChildren(
      `${where}: `, el('b', { class: 'cp-lec-shownval', text: `${dimsText(now.input)} → ${dimsText(now.output)}` }),
      ok ? el('span', { class: 'cp-lec-ok', text: ' ✓ as stated' })
        : el('span', { class: 'cp-lec-off', text: ' (you changed the layer: “Reset this step” brings the step back)' }));
    root.dataset.match = ok ? 'yes' : 'no';
    root.dataset.shown = `${dimsText(now.input)} -> ${dimsText(now.output)}`;
    const extra = step.check?.(app);
    if (extra) shown.append(el('span', { text: ` ${extra}` }));
  }

  function draw() {
    const i = index();
    const on = i >= 0;
    root.classList.toggle('cp-lec-on', on);
    startBtn.hidden = on; leaveBtn.hidden = !on; active.hidden = !on; intro.hidden = on;
    // while in the lecture the panel sits at the top of the page's stage, beside the layer
    const stage = document.querySelector('.stage');
    if (on && stage && stage.firstElementChild !== root) stage.prepend(root);
    if (!on && home.parent && root.parentNode !== home.parent) home.parent.insertBefore(root, home.next);
    drawList();
    if (!on) { root.dataset.step = ''; return; }
    const step = STEPS[i];
    root.dataset.step = step.id;
    counter.textContent = `Step ${i + 1} of ${STEPS.length}`;
    title.textContent = step.title;
    body.replaceChildren(...step.text.map((t) => el('p', { text: t })),
      ...(step.formula ?? []).map((f) => el('p', { class: 'cp-formula', text: f })));
    if (step.expect) {
      sizes.replaceChildren('Sizes: input ', el('b', { class: 'cp-lec-in', text: dimsText(step.expect.input) }),
        ' → output ', el('b', { class: 'cp-lec-out', text: dimsText(step.expect.output) }), ' (W × H × D)');
      root.dataset.expect = `${dimsText(step.expect.input)} -> ${dimsText(step.expect.output)}`;
    } else { sizes.replaceChildren(); delete root.dataset.expect; }
    prev.disabled = i === 0;
    next.disabled = i === STEPS.length - 1;
    link.href = `#${stepHash(step)}`;
    if (step.focus) {
      const target = document.getElementById(step.focus);
      look.hidden = !target;
      look.href = `#${step.focus}`;
      look.textContent = {
        volume: 'See the volumes', stepper: 'See the step-through', alexnet: 'See the AlexNet exercise',
        bnlab: 'See the batch-norm lab', gradients: 'See the gradients',
      }[step.focus] ?? `See the ${target?.querySelector('h2')?.textContent.trim() || 'section'}`;
    } else look.hidden = true;
    check();
  }
  // "See …" links scroll without touching the URL hash (the hash is the state)
  look.addEventListener('click', (e) => { if (goToSection(look.getAttribute('href').slice(1))) e.preventDefault(); });
  addNavLink('lecture', 'Lecture');

  listeners.add(draw);
  S.subscribe((s, changed) => { if (changed.has('lstep')) draw(); else check(); });
  app.onResult(() => check());
  document.addEventListener('alexnet:computed', () => check());
  draw();
  return { draw, go };
}

/** The plug-in entry point (main.js calls it once the module is ready). */
export function mount(app) {
  return mountLecture(app.slot('lecture'), app);
}
