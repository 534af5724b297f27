// "Open these gradients as a notebook": the gradients the panel shows (its
// session's last answer: the layer it belongs to, the loss, the pixel, the
// target, batch norm's gamma, beta and eps) as a notebook that differentiates
// the same computation with torch.autograd and checks every gradient.

const HINT =
  'A Jupyter notebook with this layer, this loss and the gradients you see: PyTorch’s autograd computes dL/dX, dL/dW, dL/db (and dL/dγ, dL/dβ) again and checks they equal the page’s.';

/** The session's last job, or an error saying why there is none. */
function lastJob(session) {
  if (!session.last || !session.job || !session.result)
    throw new Error('tick “Compute the gradients” first.');
  return session.job;
}

/** The button (null when the instance offers no notebooks). session: the panel's session.js. */
export function mountNotebook(ctx, session) {
  return ctx.notebook.button({
    kind: 'gradients',
    label: 'Open these gradients as a notebook',
    hint: HINT,
    job() {
      const { loss, pixel, target, bn } = lastJob(session);
      return { layerKey: session.result.key, loss, pixel, target, bn };
    },
    file() {
      const job = lastJob(session);
      return `convplay-gradients-${job.loss}${job.bn ? '-batchnorm' : ''}.ipynb`;
    },
  });
}
