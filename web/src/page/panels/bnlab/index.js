// The batch-norm lab as a panel of the static list (panels/index.js).
import { mountBatchNormLab } from './bnlab.js';

export function mount(ctx) {
  const root = ctx.slot('bnlab');
  ctx.addNav('bnlab', 'Batch-norm lab');
  const lab = mountBatchNormLab(root, ctx);
  return { destroy: lab.destroy, api: lab };
}
