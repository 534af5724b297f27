// The input volume: its size, the padded composite (read through the module's
// padSourceIndex maps) with the overlay of the inspected pixel's receptive
// field, its D1 channels, and the batch strip.
import { drawGrey, drawPadded, drawPicture } from '../../render.js';
import { textEl as el } from '../../dom.js';
import { drawOverlay, overlayKey } from './overlay.js';
import { mountBatch } from './batch.js';

export const CHANNEL_NAMES = ['R', 'G', 'B'];

/** The D1 channel canvases (made when D1 changes), drawn from r. */
function drawChannels(channelsEl, r) {
  const [, d1, h1, w1] = r.input.shape;
  if (channelsEl.children.length !== d1) {
    channelsEl.replaceChildren();
    for (let c = 0; c < d1; c++) {
      const fig = el('figure', 'channel');
      const cv = el('canvas', `chan chan-${d1 === 1 ? 'grey' : CHANNEL_NAMES[c]}`);
      cv.setAttribute('role', 'img');
      fig.append(
        cv,
        el('figcaption', null, d1 === 1 ? 'grey (d = 1)' : `${CHANNEL_NAMES[c]} (d = ${c + 1})`),
      );
      channelsEl.append(fig);
    }
  }
  for (let c = 0; c < d1; c++) {
    const cv = channelsEl.children[c].querySelector('canvas');
    drawGrey(cv, r.input.data, h1, w1, { offset: c * h1 * w1 });
    cv.setAttribute(
      'aria-label',
      `input channel ${d1 === 1 ? 'grey' : CHANNEL_NAMES[c]}, ${w1} × ${h1}`,
    );
  }
}

/** The input volume in inputEl; returns {update(r), drawOverlay()}. */
export function mountInput(ctx, inputEl) {
  inputEl.append(el('h3', null, 'Input volume'));
  const inDims = el('p', 'dims');
  const paddedWrap = el('div', 'padded-wrap');
  const padded = el('canvas', 'padded');
  padded.setAttribute('role', 'img');
  const overlay = el('canvas', 'overlay');
  overlay.setAttribute('aria-hidden', 'true');
  paddedWrap.append(padded, overlay);
  const padCaption = el('p', 'caption');
  const channelsEl = el('div', 'channels');
  inputEl.append(inDims, paddedWrap, padCaption, channelsEl);
  const batch = mountBatch(inputEl);
  const frame = { W: 1, H: 1, ph: 0, pw: 0 };
  let shownWidth = 0; // the overlay's displayed width (CSS px), as the last layout gave it
  let overlayDrawn = ''; // what the overlay shows (overlayKey): the same is not drawn again

  /** The overlay drawn at the size it is shown (its lines in CSS pixels), without asking for a layout. */
  function redraw() {
    if (!shownWidth) shownWidth = overlay.clientWidth; // before the first layout was observed
    const dpr = Math.min(3, globalThis.devicePixelRatio || 1);
    const css = shownWidth || frame.W;
    const bw = Math.max(1, Math.min(4096, Math.round(css * dpr)));
    const bh = Math.max(1, Math.round((bw * frame.H) / frame.W));
    if (overlay.width !== bw) overlay.width = bw;
    if (overlay.height !== bh) overlay.height = bh;
    const k = bw / frame.W; // canvas pixels per input pixel
    const args = [overlay, ctx.result, ctx.pixel.target(), { ...frame, scale: k, px: bw / css }];
    const key = overlayKey(...args);
    if (key === overlayDrawn) return;
    overlayDrawn = key;
    drawOverlay(...args);
  }
  // the overlay's line widths are in CSS pixels: a new displayed width draws it again
  const resized = new ResizeObserver((entries) => {
    const width = entries.at(-1).contentRect.width;
    if (width && width !== shownWidth) {
      shownWidth = width;
      redraw();
    }
  });
  resized.observe(overlay);
  ctx.onDestroy(() => resized.disconnect());

  /** The padded composite, its caption and the overlay's size. */
  function drawPaddedInput(r) {
    const [, , h1, w1] = r.input.shape;
    const mapH = r.padMapH,
      mapW = r.padMapW;
    const ph = mapH ? (mapH.length - h1) / 2 : 0,
      pw = mapW ? (mapW.length - w1) / 2 : 0;
    const H = h1 + 2 * ph,
      W = w1 + 2 * pw;
    // the worker's picture when it sent one, else drawn here
    if (!drawPicture(padded, r.pictures?.padded)) drawPadded(padded, r.input, mapH, mapW);
    padded.setAttribute(
      'aria-label',
      `the input image, ${w1} × ${h1}, with ${ph} pixel(s) of ${r.layer.pad} padding`,
    );
    padCaption.textContent =
      ph || pw
        ? `Shown with its padding P = ${r.layer.p} (${r.layer.pad}): ${W} × ${H}; the dashed line is the image's border.`
        : 'No padding (P = 0).';
    Object.assign(frame, { W, H, ph, pw });
    paddedWrap.dataset.ph = String(ph);
    paddedWrap.dataset.pw = String(pw);
  }

  let drawn = '';
  let drawnImage = '';
  function update(r) {
    // the same image with the same padding: only the overlay (the receptive field) changes
    const key = `${r.input.key}|${r.layer.p}|${r.layer.pad}|${r.batch.n}|${r.batch.names.join()}`;
    if (key === drawn) {
      redraw();
      return;
    }
    drawn = key;
    drawPaddedInput(r);
    redraw();
    // the size, the batch and the channels are the image's: a new padding keeps them
    const image = `${r.input.key}|${r.batch.n}|${r.batch.names.join()}`;
    if (image === drawnImage) return;
    drawnImage = image;
    const [, d1, h1, w1] = r.input.shape;
    const n = r.batch ? r.batch.n : 1;
    inDims.replaceChildren();
    inDims.append('W1 × H1 × D1 = ', el('b', 'dims-in', `${w1} × ${h1} × ${d1}`));
    if (n > 1)
      inDims.append(el('span', 'dims-batch', ` (batch N = ${n}: showing image 1 of ${n})`));
    batch.update(r);
    drawChannels(channelsEl, r);
  }
  return { update, drawOverlay: redraw };
}
