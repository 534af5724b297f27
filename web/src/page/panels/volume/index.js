// The volume panel: the three volumes side by side, the input (its padded
// composite and its D1 channels: input.js), the filter bank (K filters of
// F1 x F2 x D1 weights + bias: bank.js), and the output (K feature maps on the
// diverging colour map, each with its legend: output.js, map.js). Everything
// is drawn from the result (its weights, its layer numbers), never from the
// live sliders; the filter cards and weight grids are updated in place.
// Hovering (or moving with the arrow keys over) an output pixel reports it to
// ctx.pixel (the inspector follows it); clicking (or Enter) pins it (state 'at').
import { releasePictures } from '../../render.js';
import { mountInput } from './input.js';
import { mountBank } from './bank.js';
import { mountOutput } from './output.js';

export function mount(ctx) {
  const input = mountInput(ctx, ctx.$('input-volume'));
  const bank = mountBank(ctx, ctx.$('filter-bank'));
  const output = mountOutput(ctx, ctx.$('output-volume'));
  ctx.onDestroy(ctx.pixel.onHover(() => input.drawOverlay()));
  ctx.subscribe((s, changed) => {
    if (changed.has('at')) {
      input.drawOverlay();
      output.markPinned();
    }
    if (changed.has('scale') && ctx.result) output.update(ctx.result);
    if (changed.has('zoom')) output.applyZoom();
  });
  return {
    update(r) {
      input.update(r);
      bank.update(r);
      return output.update(r).finally(() => releasePictures(r.pictures));
    },
  };
}
