// The batch strip under the input volume (state row 'batch'): which image the
// volumes show, and a small picture of every image of the batch.
import { drawImage } from '../../render.js';
import { textEl as el } from '../../dom.js';

/** The strip's element, appended to parent; returns {update(r)}. */
export function mountBatch(parent) {
  const batchEl = el('div', 'batch-strip');
  batchEl.hidden = true;
  const batchNote = el('p', 'caption batch-note');
  const batchThumbs = el('div', 'batch-thumbs');
  batchEl.append(batchNote, batchThumbs);
  parent.append(batchEl);

  function thumb(i) {
    let fig = batchThumbs.children[i];
    if (!fig) {
      fig = el('figure', 'batch-thumb');
      const cv = el('canvas');
      cv.setAttribute('role', 'img');
      fig.append(cv, el('figcaption'));
      batchThumbs.append(fig);
    }
    return fig;
  }

  function update(r) {
    const b = r.batch;
    const n = b ? b.n : 1;
    batchEl.hidden = n < 2 || !b.input;
    if (batchEl.hidden) {
      batchThumbs.replaceChildren();
      return;
    }
    const [, d1, h1, w1] = b.input.shape;
    const names = [`${r.state.img} (this image)`, ...b.names];
    batchNote.textContent = `Batch N = ${n}: the layer runs on all ${n} images (each ${w1} × ${h1} × ${d1}); the volumes show image 1 of ${n}.`;
    while (batchThumbs.children.length > n) batchThumbs.lastChild.remove();
    for (let i = 0; i < n; i++) {
      const fig = thumb(i);
      const cv = fig.querySelector('canvas');
      const per = d1 * h1 * w1;
      drawImage(cv, {
        shape: [1, d1, h1, w1],
        data: b.input.data.subarray(i * per, (i + 1) * per),
      });
      cv.setAttribute('aria-label', `batch image ${i + 1} of ${n}: ${names[i]}, ${w1} × ${h1}`);
      fig.classList.toggle('shown', i === 0);
      fig.querySelector('figcaption').textContent = `${i + 1}. ${names[i]}`;
    }
  }
  return { update };
}
