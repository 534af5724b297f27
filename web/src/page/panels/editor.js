// Direct editing of every weight of one filter (F1 x F2 x D1, one grid per input
// channel) and its bias. Editing a weight turns the filter's preset into
// 'custom' and stores its numbers in the state (w<k>), so the link keeps them.
import { filterWeights, resizeFilter } from '../../common/filters.js';
import { kernelHW, depth, presetOf, biasOf } from '../../common/state.js';
import { textEl as el } from '../dom.js';

const CHANNEL_NAMES = ['R', 'G', 'B'];

/** The grid of one input channel c: an input per weight of the filter being edited. */
function channelGrid(ctx, { current, c, fh, fw, d1, w }) {
  const fs = el('fieldset', 'editor-channel');
  fs.append(
    el('legend', null, d1 === 1 ? 'grey channel' : `channel ${CHANNEL_NAMES[c]} (d = ${c + 1})`),
  );
  const g = el('div', `egrid cols-${fw}`);
  for (let i = 0; i < fh; i++) {
    for (let j = 0; j < fw; j++) {
      const idx = c * fh * fw + i * fw + j;
      const input = el('input', 'weight');
      input.type = 'number';
      input.step = '0.1';
      input.value = String(Math.round(w[idx] * 1e4) / 1e4);
      input.setAttribute(
        'aria-label',
        // rows and columns counted from 0, as in the inspector and the code
        `filter ${current + 1}, channel ${d1 === 1 ? 'grey' : CHANNEL_NAMES[c]}, row ${i}, column ${j}`,
      );
      input.dataset.index = String(idx);
      input.addEventListener('change', () => {
        const v = Number(input.value);
        if (Number.isFinite(v)) ctx.filters.setWeight(current, idx, v);
      });
      g.append(input);
    }
  }
  fs.append(g);
  return fs;
}

/** The bias row of filter current. */
function biasRow(ctx, current) {
  const brow = el('div', 'row');
  const bl = el('label', null, 'bias b');
  bl.htmlFor = ctx.id('bias-input');
  const bi = el('input', 'weight');
  bi.id = ctx.id('bias-input');
  bi.dataset.part = 'bias-input';
  bi.type = 'number';
  bi.step = '0.1';
  bi.value = String(biasOf(current, ctx.state));
  bi.addEventListener('change', () => {
    const v = Number(bi.value);
    if (Number.isFinite(v)) ctx.filters.setBias(current, v);
  });
  brow.append(bl, bi);
  return brow;
}

/** Custom filters keep their weights when F or D1 change: cropped / zero-padded (a patch, or null). */
function resizedFilters(s, from, to) {
  if (from.fh === to.fh && from.fw === to.fw && from.d1 === to.d1) return null;
  const patch = {};
  for (let k = 0; k < s.k; k++) {
    if (presetOf(k, s) === 'custom' && s[`w${k}`].length === from.fh * from.fw * from.d1)
      patch[`w${k}`] = resizeFilter(s[`w${k}`], from, to);
  }
  return Object.keys(patch).length ? patch : null;
}

export function mount(ctx) {
  const panel = ctx.$('editor-panel');
  const box = ctx.$('editor');
  const focused = () => ctx.root.getRootNode().activeElement;
  let current = -1; // the filter being edited
  let shapeKey = '';

  /** New values into the existing inputs (the focused one is left alone). */
  function refresh() {
    const w = filterWeights(current, ctx.state);
    for (const input of box.querySelectorAll('input[data-index]')) {
      if (input === focused()) continue;
      const v = String(Math.round(w[Number(input.dataset.index)] * 1e4) / 1e4);
      if (input.value !== v) input.value = v;
    }
    const bi = ctx.$('bias-input');
    if (bi && bi !== focused()) bi.value = String(biasOf(current, ctx.state));
  }

  function build() {
    const s = ctx.state;
    box.innerHTML = '';
    if (current < 0 || current >= s.k) {
      panel.hidden = true;
      current = -1;
      return;
    }
    const { fh, fw } = kernelHW(s);
    const d1 = depth(s);
    shapeKey = `${current}|${fh}|${fw}|${d1}`;
    const w = filterWeights(current, s);
    const head = el('div', 'editor-head');
    head.append(el('h3', null, `Filter ${current + 1}: ${fh} × ${fw} × ${d1} weights + 1 bias`));
    const close = el('button', null, 'close');
    close.type = 'button';
    close.addEventListener('click', () => {
      panel.hidden = true;
      current = -1;
    });
    head.append(close);
    box.append(head);
    box.append(
      el(
        'p',
        'hint',
        'Type a number and press Enter or Tab. Editing makes the filter "custom"; the link in the address bar keeps its weights.',
      ),
    );
    const grids = el('div', 'editor-grids');
    for (let c = 0; c < d1; c++) grids.append(channelGrid(ctx, { current, c, fh, fw, d1, w }));
    box.append(grids, biasRow(ctx, current));
  }

  // the volume panel's "edit" buttons (ctx.filters.edit) open a filter here
  ctx.onDestroy(
    ctx.filters.onEdit((k) => {
      current = k;
      panel.hidden = false;
      build();
      panel.scrollIntoView({ block: 'nearest' });
      const first = box.querySelector('input');
      if (first) first.focus();
    }),
  );

  let prevShape = { ...kernelHW(ctx.state), d1: depth(ctx.state) };
  ctx.subscribe((s, changed) => {
    const to = { ...kernelHW(s), d1: depth(s) };
    const patch = resizedFilters(s, prevShape, to);
    prevShape = to;
    if (patch) {
      ctx.update(patch);
      return;
    }
    if (current >= 0 && !panel.hidden) {
      const { fh, fw } = kernelHW(s);
      const key = `${current}|${fh}|${fw}|${depth(s)}`;
      if (key !== shapeKey || changed.has('k')) build();
      else refresh();
    }
  });
  return {};
}
