// "Show as code": the current layer as the equivalent PyTorch and TensorFlow/Keras
// lines (common/code-text.js), padding mode and operation included, with a copy button.
import { layerOf, pytorchCode, kerasCode } from '../../common/code-text.js';
import { el } from '../dom.js';

async function copyText(text, pre) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // no clipboard permission (e.g. http, or a test browser): select the text instead
    const range = pre.ownerDocument.createRange();
    range.selectNodeContents(pre);
    const sel = pre.ownerDocument.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
    try {
      return pre.ownerDocument.execCommand('copy');
    } catch {
      return false;
    }
  }
}

function codeBlock(ctx, id, title) {
  const pre = el('pre', {
    class: 'cp-code',
    id: ctx.id(id),
    'data-part': id,
    tabindex: '0',
    'aria-label': `${title} code`,
  });
  const code = el('code', {});
  pre.append(code);
  const btn = el(
    'button',
    { type: 'button', class: 'cp-copy', 'aria-label': `Copy the ${title} code` },
    'Copy',
  );
  const done = el('span', { class: 'cp-copied', role: 'status', 'aria-live': 'polite' });
  btn.addEventListener('click', async () => {
    const ok = await copyText(code.textContent, pre);
    done.textContent = ok ? 'Copied.' : 'Selected: press Ctrl+C to copy.';
    setTimeout(() => {
      done.textContent = '';
    }, 2500);
  });
  const head = el('div', { class: 'cp-code-head' }, el('h3', { text: title }), btn, done);
  return { wrap: el('div', { class: 'cp-code-wrap' }, head, pre), code };
}

const NOTEBOOK_HINT =
  'A Jupyter notebook with this image, these filters and the maps you see: it recomputes the layer with a NumPy loop and with PyTorch and checks both equal the page.';

/** The .ipynb's name: the layer's numbers, as the result drew them. */
function layerFile(r) {
  const L = r.layer;
  const f = L.fh === L.fw ? L.fh : `${L.fh}x${L.fw}`;
  const s = L.sh === L.sw ? L.sh : `${L.sh}x${L.sw}`;
  return `convplay-layer-f${f}-p${L.p}-${L.pad}-s${s}-d${L.dil}-${L.conv ? 'conv' : 'xcorr'}.ipynb`;
}

/** The drawn layer's result, or an error saying why there is none. */
function drawnLayer(ctx) {
  const r = ctx.result;
  if (!r) throw new Error('the layer is not computed yet.');
  if (r.error || !r.output) throw new Error(`the layer cannot be computed: ${r.error?.message}`);
  return r;
}

/** "Open the layer as a notebook" (null when the instance offers none). */
function notebookButton(ctx) {
  return ctx.notebook.button({
    kind: 'layer',
    label: 'Open the layer as a notebook',
    hint: NOTEBOOK_HINT,
    job: () => ({ layerKey: drawnLayer(ctx).key }),
    file: () => layerFile(drawnLayer(ctx)),
  });
}

/** The "show as code" panel for the current layer. */
export function mount(ctx) {
  const root = ctx.slot('code-panel');
  root.classList.add('cp-codepanel');
  root.setAttribute('aria-labelledby', ctx.id('code-h'));
  ctx.addNav('code-panel', 'Code');
  const h = el('h2', { id: ctx.id('code-h'), text: 'Show as code' });
  const intro = el('p', {
    class: 'hint',
    text: 'The current layer in PyTorch and in TensorFlow/Keras. Both libraries compute cross-correlation; Keras has no padding modes, so any padding is a separate line before the convolution.',
  });
  const torch = codeBlock(ctx, 'code-pytorch', 'PyTorch');
  const keras = codeBlock(ctx, 'code-keras', 'TensorFlow / Keras');
  root.replaceChildren(h, intro, torch.wrap, keras.wrap);
  const notebook = notebookButton(ctx);
  if (notebook) root.append(notebook);
  root.hidden = false;
  const draw = () => {
    const L = layerOf(ctx.state);
    torch.code.textContent = pytorchCode(L);
    keras.code.textContent = kerasCode(L);
  };
  ctx.subscribe(draw);
  draw();
  return {};
}
