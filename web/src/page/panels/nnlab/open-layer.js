// Open a first-layer filter or map in the layer panel. The layer panel
// computes one convolution of a 1- or 3-channel image, so the network's first
// convolution opens there exactly: the input the lab shows (28 x 28 grey, as a
// PNG upload the module encodes), its filters as custom weights and its
// biases, F, P, stride 1; the clicked map's pixel is pinned in the inspector.
// Deeper convolutions take the many maps of the layer before, which the layer
// panel cannot take as its input.
import { rowOf } from '../../../common/state.js';
import { exact } from './constants.js';
import { refuseLocked } from './store.js';

/** The layer panel's state for conv 1 (first: its parameters, P its padding, open filters). */
function layerPatch(first, P, open, at) {
  const [, C, F] = first.w.shape;
  const patch = {
    size: 28,
    fit: 'keep',
    grey: C === 1,
    batch: 1,
    f: F,
    fw: F,
    fsep: false,
    p: P,
    pad: 'zero',
    s: 1,
    sw: 1,
    ssep: false,
    dil: 1,
    k: open,
    mode: 'xcorr',
    filters: Array(open).fill('custom'),
    bias: exact(first.b.slice(0, open)),
    at,
  };
  for (let i = 0; i < open; i++)
    patch[`w${i}`] = exact(first.w.data.slice(i * C * F * F, (i + 1) * C * F * F));
  return patch;
}

/** What was opened, in words (shown: the classify result, K filters, open of them). */
function openedText(shown, name, K, open, k, y, x) {
  const input = shown.input.source === 'test' ? `test image #${shown.input.index}` : 'input';
  const some =
    K > open ? ` (its first ${open} of ${K} filters: the layer panel shows at most ${open})` : '';
  return `Opened conv 1 (${name}) in the layer panel: the same ${input} and the weights at step ${shown.step}${some}; map ${Math.min(k, open - 1) + 1}, pixel (${y}, ${x}) is pinned in the inspector.`;
}

/** views: {controls, inside, weights}. Returns open(k, y, x): map or filter k, pixel y, x. */
export function makeOpener(lab, { controls, inside, weights }) {
  const { ctx, status } = lab;

  async function open(k, y, x) {
    if (!lab.run || !lab.inspected) throw new Error('no network and input yet: press Step first');
    lab.running = false;
    await lab.busy;
    await inside.refresh(); // the maps and the weights of the same moment
    const shown = lab.inspected;
    const { run } = lab;
    const { parameters } = await lab.engine.nnlab({ op: 'parameters', lab: run.lab });
    const first = parameters.find((p) => p.layer === 0);
    const K = first.w.shape[0];
    const open = Math.min(K, rowOf('k').max);
    const patch = layerPatch(
      first,
      controls.firstPad(),
      open,
      `${Math.min(k, open - 1)}.${y}.${x}`,
    );
    refuseLocked(ctx, { ...patch, img: 'upload' }, 'conv 1');
    const { png } = await lab.engine.nnlab({
      op: 'png',
      pixels: Uint8Array.from(shown.pixels),
      width: 28,
      height: 28,
    });
    ctx.update(patch);
    await ctx.source.open(
      new Blob([png], { type: 'image/png' }),
      `network lab input (step ${shown.step})`,
    );
    lab.root.dataset.opened = `${k}.${y}.${x}`;
    weights.text = '';
    const said = openedText(shown, run.plan.layers[0].name, K, open, k, y, x);
    status.text = said;
    inside.note = said;
    ctx.goTo('layer-panel', { focus: false });
  }

  return (k, y, x) =>
    open(k, y, x).catch((e) =>
      status.showError(new Error(`Could not open it in the layer panel: ${e.message}`)),
    );
}
