// "Open this graph as a notebook": the lab's mini-batch, γ, β, ε and loss (the
// lecture's m = 2 example or the student's own numbers) as a notebook that
// runs the same graph through torch.autograd and by the lecture's formulas,
// every node printed beside the page's value and checked.

const HINT =
  'A Jupyter notebook with these numbers: PyTorch’s autograd and the lecture’s formulas compute every node of the graph again, print them beside the page’s and check they agree.';

/** The lab's parameters of its last answer, or an error saying why there is none. */
function shownParams(lab) {
  const res = lab.result;
  if (!res) throw new Error('the lab has not computed yet.');
  if (!res.ok) throw new Error(`these numbers cannot be computed: ${res.error}`);
  return res.p;
}

/** The button (null when the instance offers no notebooks); lab: bnlab.js's {result}. */
export function notebookButton(ctx, lab) {
  return ctx.notebook.button({
    kind: 'bnlab',
    label: 'Open this graph as a notebook',
    hint: HINT,
    job: () => ({ p: shownParams(lab) }),
    file: () => `convplay-batchnorm-m${shownParams(lab).m}-${shownParams(lab).loss}.ipynb`,
  });
}
