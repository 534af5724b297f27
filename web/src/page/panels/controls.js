// The layer's hyperparameter controls (the markup's #layer-panel) <-> the
// state. Each control changes one field; the ranges of the sliders are the
// state table's (rowOf(name).min / max), never written twice. Controls of
// locked rows (mountPlayground's options.locked) are disabled.
import { rowOf } from '../../common/state.js';
import { watchOnScreen } from '../onscreen.js';

const RANGES = ['f', 'fw', 'p', 's', 'sw', 'dil', 'k'];
const SELECTS = ['pad', 'scale'];
const CHECKS = ['fsep', 'ssep'];

export function mount(ctx) {
  const { $ } = ctx;
  const modes = [$('mode-xcorr'), $('mode-conv')];

  for (const name of RANGES) {
    const input = $(name);
    const row = rowOf(name);
    input.min = String(row.min);
    input.max = String(row.max);
    input.disabled = ctx.locked(name);
    // 'input' fires while dragging: the maps follow the slider
    input.addEventListener('input', () => ctx.set(name, Number(input.value)));
  }
  for (const name of SELECTS) {
    const sel = $(name);
    sel.disabled = ctx.locked(name);
    sel.addEventListener('change', () => ctx.set(name, sel.value));
  }
  for (const name of CHECKS) {
    const box = $(name);
    box.disabled = ctx.locked(name) || ctx.locked(name === 'fsep' ? 'fw' : 'sw');
    box.addEventListener('change', () => {
      if (name === 'fsep' && box.checked) ctx.update({ fsep: true, fw: ctx.state.f });
      else if (name === 'ssep' && box.checked) ctx.update({ ssep: true, sw: ctx.state.s });
      else ctx.set(name, box.checked);
    });
  }
  for (const radio of modes) {
    radio.disabled = ctx.locked('mode');
    radio.addEventListener('change', () => {
      if (radio.checked) ctx.set('mode', radio.value);
    });
  }
  $('reset').addEventListener('click', () => ctx.reset());

  // the compact bar of a narrow playground (phone): F, P, S, D, K beside the maps they change
  const quick = [...ctx.root.querySelectorAll('input[data-q]')];
  for (const input of quick) {
    const name = input.dataset.q;
    const row = rowOf(name);
    input.min = String(row.min);
    input.max = String(row.max);
    input.disabled = ctx.locked(name);
    input.addEventListener('input', () => ctx.set(name, Number(input.value)));
  }

  // it sticks to the top of the screen only while a panel of the layer is on screen
  const bar = ctx.root.querySelector('.cp-quickbar');
  const layerPanels = ['volume', 'formula-panel', 'image-panel', 'layer-panel', 'editor-panel'];
  watchOnScreen(
    ctx,
    [...layerPanels.map((name) => $(name)), $('inspect-panel')],
    (on) => bar.classList.toggle('cp-quickbar-away', !on),
    { margin: '-90px 0px 0px 0px' },
  );

  const labelF = ctx.root.querySelector(`label[for="${ctx.id('f')}"]`);
  const labelS = ctx.root.querySelector(`label[for="${ctx.id('s')}"]`);
  function sync(s) {
    for (const name of RANGES) {
      const input = $(name);
      const v = String(s[name]);
      if (input.value !== v) input.value = v;
      const out = $(`${name}-out`);
      if (out) out.textContent = v;
    }
    for (const name of SELECTS) if ($(name).value !== s[name]) $(name).value = s[name];
    for (const name of CHECKS) $(name).checked = s[name];
    $('fw-row').hidden = !s.fsep;
    $('sw-row').hidden = !s.ssep;
    labelF.firstChild.textContent = s.fsep ? 'Kernel height F1 ' : 'Kernel size F ';
    labelS.firstChild.textContent = s.ssep ? 'Stride along rows S1 ' : 'Stride S ';
    for (const input of quick) {
      const v = String(s[input.dataset.q]);
      if (input.value !== v) input.value = v;
      input.previousElementSibling.querySelector('output').textContent = v;
    }
    modes[0].checked = s.mode === 'xcorr';
    modes[1].checked = s.mode === 'conv';
  }
  sync(ctx.state);
  ctx.subscribe(sync);
  return {};
}
