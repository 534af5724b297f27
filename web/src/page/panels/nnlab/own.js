// The student's own classes: 2 to 4 named classes of uploads or webcam
// snapshots (lab.own). The module checks the set's rules (2 to 4 classes, 5
// to 60 pictures each, names): the notice asks it as the set changes, and the
// build again; the names are the
// link's (state row nncls), the pictures stay in the page.
import { el } from '../../dom.js';
import { MAX_OWN_CLASSES } from './constants.js';
import { mountCamera } from './camera.js';
import { namesOf, ownProblem, ownSummary } from './own-set.js';

const INTRO =
  'Make 2 to 4 classes (for example "cup", "cat", "hand"), each with a name and 5 to 60 pictures: uploads or webcam snapshots. The module decodes each picture grey and downscales it to the 28 × 28 input; every fifth picture of a class is kept aside to test the network. Pictures of any size are fine: all are downscaled the same way. The page\'s link keeps your class names, not the pictures.';

const button = (part, text, disabled = false) =>
  el('button', { type: 'button', 'data-part': part, disabled }, text);

/** The last 12 pictures of class c as thumbnails (urls: the object URLs made). */
function thumbnails(c, urls) {
  const thumbs = el('div', { class: 'cp-nn-thumbs' });
  for (const im of c.images.slice(-12)) {
    if (!im.url) {
      im.url = URL.createObjectURL(im.blob);
      urls.add(im.url);
    }
    thumbs.append(el('img', { src: im.url, alt: im.from, width: 28, height: 28 }));
  }
  return thumbs;
}

/** The name field and the picture input of class c (number ci). */
function classInputs(c, ci, { changed, edited }) {
  const name = el('input', {
    type: 'text',
    value: c.name,
    maxlength: 40,
    placeholder: ['cup', 'cat', 'hand', 'book'][ci],
    'aria-label': `name of class ${ci + 1}`,
    'data-part': 'nn-own-name',
  });
  name.addEventListener('change', () => {
    c.name = name.value;
    edited();
  });
  const files = el('input', {
    type: 'file',
    accept: 'image/*',
    multiple: true,
    'aria-label': `pictures of class ${ci + 1}`,
    'data-part': 'nn-own-files',
  });
  files.addEventListener('change', async () => {
    const list = [...(files.files ?? [])];
    files.value = '';
    for (const f of list) {
      c.images.push({ bytes: new Uint8Array(await f.arrayBuffer()), from: f.name, blob: f });
    }
    changed();
  });
  return { name, files };
}

/**
 * The fieldset of class c (number ci) of own; hooks: {changed, edited,
 * camera, urls} (the set's pictures or names changed, the webcam, the
 * thumbnails' object URLs).
 */
function classRow(own, c, ci, hooks) {
  const { changed, edited, camera, urls } = hooks;
  const { name, files } = classInputs(c, ci, hooks);
  const snap = button('nn-own-snap', 'Snapshot', !camera.live);
  snap.addEventListener('click', () => camera.snapshot(c));
  const clear = button('nn-own-clear', 'Clear');
  clear.addEventListener('click', () => {
    c.images = [];
    changed();
  });
  const remove = button('nn-own-remove', 'Remove', own.length <= 1);
  remove.addEventListener('click', () => {
    own.splice(ci, 1);
    edited();
  });
  const count = `${c.images.length} ${c.images.length === 1 ? 'picture' : 'pictures'}`;
  return el(
    'fieldset',
    { class: 'cp-nn-class', 'data-class': ci },
    el('legend', { text: `class ${ci + 1}` }),
    name,
    el('label', {}, 'pictures ', files),
    snap,
    clear,
    remove,
    el('span', { class: 'cp-nn-count', text: count }),
    thumbnails(c, urls),
  );
}

export function mountOwn(lab) {
  const { own } = lab;
  const rows = el('div', { class: 'cp-nn-classes' });
  const addClass = button('nn-own-add', 'Add a class');
  const text = el('p', { class: 'cp-nn-own-text', 'aria-live': 'polite' });
  // what the set still lacks before it can train (the module's rules)
  const notice = el('p', {
    class: 'message notice cp-nn-own-notice',
    role: 'status',
    'data-part': 'nn-own-notice',
  });
  const urls = new Set();
  const say = (t) => (text.textContent = t);
  const camera = mountCamera(lab, { say, onChange: draw, onShot: changed });
  const hooks = { changed, edited, camera, urls };

  /** The set changed: a run on it is out of date. */
  function changed() {
    lab.imported = null;
    if (lab.mode === 'own') {
      lab.stale = true;
      lab.running = false;
      say(`${ownSummary(own)} Press Train (or Step) to train on them.`);
    }
    draw();
  }

  /** A class added, removed or renamed in the page: the link's names follow. */
  function edited() {
    lab.ctx.set('nncls', namesOf(own));
    changed();
  }

  function draw() {
    rows.replaceChildren(...own.map((c, ci) => classRow(own, c, ci, hooks)));
    addClass.disabled = own.length >= MAX_OWN_CLASSES;
    showProblem();
  }

  // the module's answer for the set as it is now (a later edit's answer wins)
  let asked = 0;
  async function showProblem() {
    const mine = ++asked;
    const problem = await ownProblem(lab.engine, own).catch((e) => e.message);
    if (mine === asked && !lab.destroyed)
      notice.textContent = problem ? `To train: ${problem}.` : '';
  }

  lab.ctx.listen(addClass, 'click', () => {
    if (own.length < MAX_OWN_CLASSES) own.push({ name: '', images: [] });
    edited();
  });

  return {
    node: el(
      'div',
      { class: 'cp-nn-own', hidden: true },
      el('p', { text: INTRO }),
      rows,
      el('div', { class: 'cp-nn-buttons' }, addClass, camera.button),
      camera.video,
      text,
      notice,
    ),
    draw,
    changed,
    destroy() {
      camera.destroy();
      for (const u of urls) URL.revokeObjectURL(u);
    },
  };
}
