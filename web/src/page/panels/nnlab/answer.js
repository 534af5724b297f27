// The network's answer for one input: the 28 x 28 grey picture it sees, what
// it says, the class probabilities and every layer's feature maps (maps.js);
// or, when the input could not be fed, the message and nothing else.
import { el } from '../../dom.js';
import { drawGrey } from '../../render.js';
import { mountMaps } from './maps.js';

const MAPS_TEXT =
  'Feature maps of every layer for this image (blue negative, red positive, white zero; each layer on its own scale), computed in inference mode: batch norm uses its running statistics. While the network trains, this box is redrawn 4 times a second (the curves and the table at every step). Click a map of the first convolution (or of its batch norm, ReLU or pooling) to open conv 1 in the layer panel with this image and these weights.';

/** How the text names input (of a failed request). */
const nameOf = (input) =>
  input.source === 'upload'
    ? `“${input.name}”`
    : input.source === 'test'
      ? `test image #${input.index}`
      : 'the drawing';

/** What the input of classify result r is, in words. */
function describe(r) {
  if (r.input.source === 'test') return `Test image #${r.input.index} (${r.classes[r.label]})`;
  if (r.input.source === 'drawing') return 'Your drawing';
  return `Your image${r.name ? ` “${r.name}”` : ''} (${r.file.width} × ${r.file.height}, downscaled to 28 × 28 grey${r.input.invert ? ', inverted' : ''})`;
}

/** One bar of the class probabilities: class k of r at probability p. */
function probItem(r, p, k) {
  const bar = el('span', { class: 'cp-nn-bar' });
  bar.style.width = `${(100 * p).toFixed(1)}%`;
  return el(
    'li',
    { class: k === r.predicted ? 'cp-nn-top' : null, 'data-class': k, 'data-p': p },
    el('span', { class: 'cp-nn-prob-name', text: r.classes[k] }),
    el('span', { class: 'cp-nn-barbox' }, bar),
    el('span', { class: 'cp-nn-pct', text: `${(100 * p).toFixed(1)}%` }),
  );
}

/** Sets item li of the list to class k of r at probability p (a list of as many items). */
function setProbItem(li, r, p, k) {
  li.classList.toggle('cp-nn-top', k === r.predicted);
  li.dataset.p = String(p);
  const [name, box, pct] = li.children;
  if (name.textContent !== r.classes[k]) name.textContent = r.classes[k];
  box.firstChild.style.width = `${(100 * p).toFixed(1)}%`;
  pct.textContent = `${(100 * p).toFixed(1)}%`;
}

/** The class probabilities of r in list ol: its items set in place while they are as many. */
function drawProbs(ol, r) {
  if (ol.children.length !== r.probs.length) {
    ol.replaceChildren(...Array.from(r.probs, (p, k) => probItem(r, p, k)));
    return;
  }
  Array.from(r.probs, (p, k) => setProbItem(ol.children[k], r, p, k));
}

/** The views of one answer: the picture seen, its text, the probabilities, the error. */
function verdictViews() {
  return {
    seen: el('canvas', {
      class: 'cp-nn-seen',
      width: 28,
      height: 28,
      role: 'img',
      'aria-label': 'The 28 × 28 grey input the network sees',
    }),
    text: el('p', { class: 'cp-nn-input-text', 'aria-live': 'polite' }),
    error: el('p', { class: 'message error cp-nn-input-error', role: 'alert', hidden: true }),
    probs: el('ol', { class: 'cp-nn-probs', 'aria-label': 'Class probabilities' }),
  };
}

/** The picture seen beside what the network says and the probabilities. */
const verdictBox = (v) =>
  el(
    'div',
    { class: 'cp-nn-verdict' },
    el('figure', {}, v.seen, el('figcaption', { text: 'what the network sees (28 × 28 grey)' })),
    el('div', {}, v.text, v.probs),
  );

/** onOpen(k, y, x): a first-block map was clicked. */
export function mountAnswer(lab, onOpen) {
  const { root } = lab;
  const v = verdictViews();
  const maps = mountMaps(lab, onOpen);

  /** Draws classify result r (computed at its step), the input's picture and maps. */
  function drawInspected(r) {
    drawGrey(
      v.seen,
      Float32Array.from(r.pixels, (p) => p / 255),
      28,
      28,
    );
    const top = r.probs[r.predicted];
    v.text.textContent = `${describe(r)}: the network (step ${r.step}) says ${r.classes[r.predicted]}, ${(100 * top).toFixed(1)}%.`;
    drawProbs(v.probs, r);
    maps.draw(r.maps);
    root.dataset.predicted = String(r.predicted);
    root.dataset.inputSource = r.input.source;
  }

  /** The input could not be fed: the previous picture, prediction and maps are gone. */
  function drawFailed(input, error) {
    lab.inspected = null;
    const what = nameOf(input);
    v.error.textContent = `${what}: ${error}`;
    v.error.hidden = false;
    v.seen.getContext('2d').clearRect(0, 0, v.seen.width, v.seen.height);
    v.text.textContent = `No prediction: ${what} could not be fed to the network.`;
    v.probs.replaceChildren();
    maps.clear();
    delete root.dataset.predicted;
    root.dataset.inputSource = 'none';
  }

  return {
    error: v.error,
    nodes: [verdictBox(v), el('p', { text: MAPS_TEXT }), maps.note, maps.maps],
    /** Draws the answer r for input (computed at step), or the error (r null). */
    draw(input, step, r, error) {
      if (!r) return drawFailed(input, error);
      v.error.hidden = true;
      lab.inspected = { ...r, step, classes: lab.run.classes, name: input.name };
      drawInspected(lab.inspected);
    },
    set note(text) {
      maps.note.textContent = text;
    },
  };
}
