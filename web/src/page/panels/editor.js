// Direct editing of every weight of one filter (F1 x F2 x D1, one grid per input
// channel) and its bias. Editing a weight turns the filter's preset into
// 'custom' and stores its numbers in the state (w<k>), so the link keeps them.
import { filterWeights, resizeFilter } from '../../common/filters.js';
import { kernelHW, depth, presetOf, biasOf } from '../../common/state.js';
import { textEl as el } from '../dom.js';

const CHANNEL_NAMES = ['R', 'G', 'B'];

export function mount(ctx) {
  const app = ctx;
  const panel = ctx.$('editor-panel');
  const box = ctx.$('editor');
  const focused = () => ctx.root.getRootNode().activeElement;
  let current = -1; // the filter being edited
  let shapeKey = '';

  app.editFilter = (k) => {
    current = k;
    panel.hidden = false;
    build();
    panel.scrollIntoView({ block: 'nearest' });
    const first = box.querySelector('input');
    if (first) first.focus();
  };

  function setWeight(k, index, value) {
    const s = app.state;
    const w = Array.from(filterWeights(k, s));
    w[index] = value;
    const n = Math.max(s.k, s.filters.length, k + 1);
    const list = Array.from({ length: n }, (_, i) => presetOf(i, s));
    list[k] = 'custom';
    app.update({ filters: list, [`w${k}`]: w });
  }

  function setBias(k, value) {
    const b = Array.from({ length: Math.max(app.state.k, k + 1) }, (_, i) => biasOf(i, app.state));
    b[k] = value;
    app.set('bias', b);
  }

  /** New values into the existing inputs (the focused one is left alone). */
  function refresh() {
    const w = filterWeights(current, app.state);
    for (const input of box.querySelectorAll('input[data-index]')) {
      if (input === focused()) continue;
      const v = String(Math.round(w[Number(input.dataset.index)] * 1e4) / 1e4);
      if (input.value !== v) input.value = v;
    }
    const bi = ctx.$('bias-input');
    if (bi && bi !== focused()) bi.value = String(biasOf(current, app.state));
  }

  function build() {
    const s = app.state;
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
    for (let c = 0; c < d1; c++) {
      const fs = el('fieldset', 'editor-channel');
      fs.append(
        el(
          'legend',
          null,
          d1 === 1 ? 'grey channel' : `channel ${CHANNEL_NAMES[c]} (d = ${c + 1})`,
        ),
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
            if (Number.isFinite(v)) setWeight(current, idx, v);
          });
          g.append(input);
        }
      }
      fs.append(g);
      grids.append(fs);
    }
    box.append(grids);
    const brow = el('div', 'row');
    const bl = el('label', null, 'bias b');
    bl.htmlFor = ctx.id('bias-input');
    const bi = el('input', 'weight');
    bi.id = ctx.id('bias-input');
    bi.dataset.part = 'bias-input';
    bi.type = 'number';
    bi.step = '0.1';
    bi.value = String(biasOf(current, app.state));
    bi.addEventListener('change', () => {
      const v = Number(bi.value);
      if (Number.isFinite(v)) setBias(current, v);
    });
    brow.append(bl, bi);
    box.append(brow);
  }

  let prevShape = { ...kernelHW(app.state), d1: depth(app.state) };
  ctx.subscribe((s, changed) => {
    // keep edited filters when F or D1 change: their weights are cropped / zero-padded
    const to = { ...kernelHW(s), d1: depth(s) };
    const from = prevShape;
    prevShape = to;
    if (from.fh !== to.fh || from.fw !== to.fw || from.d1 !== to.d1) {
      const patch = {};
      for (let k = 0; k < s.k; k++) {
        if (presetOf(k, s) === 'custom' && s[`w${k}`].length === from.fh * from.fw * from.d1)
          patch[`w${k}`] = resizeFilter(s[`w${k}`], from, to);
      }
      if (Object.keys(patch).length) {
        app.update(patch);
        return;
      }
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
