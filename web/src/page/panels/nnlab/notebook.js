// "Open the trained network as a notebook": the lab's network as it is now
// (its architecture, trained parameters and batch-norm running statistics)
// with test images and the probabilities the module gives them, as a
// notebook that rebuilds it as torch.nn.Sequential, checks the same
// probabilities and keeps training it in PyTorch.

const HINT =
  'A Jupyter notebook with this network’s trained weights and some test images: PyTorch rebuilds it, checks it gives the same probabilities as the page, then trains it further.';

/** How many test images the notebook checks. */
const NOTEBOOK_IMAGES = 24;

/** The lab's run once trained (or imported), or an error saying why there is none. */
function trainedRun(lab) {
  const run = lab.run;
  if (!run?.trained) throw new Error('no trained network yet: press Train or Step first.');
  if (!run.plan.totalSteps)
    throw new Error('this imported network has no test images here to check it on.');
  return run;
}

/** The button (null when the instance offers no notebooks). */
export function mountNotebook(lab) {
  return lab.ctx.notebook.button({
    kind: 'nnlab',
    label: 'Open the trained network as a notebook',
    hint: HINT,
    job() {
      const run = trainedRun(lab);
      return { lab: run.lab, classes: run.classes, images: NOTEBOOK_IMAGES };
    },
    file: () => `convplay-network-step${trainedRun(lab).step}.ipynb`,
  });
}
