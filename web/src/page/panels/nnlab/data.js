// What the lab trains on: Fashion-MNIST or the student's own classes (state
// row nndata). Switching shows the own classes' box, hides the comparison
// (it trains on Fashion-MNIST) and the upload's inversion.
import { el } from '../../dom.js';
import { mountOwn } from './own.js';

/** The two radio buttons of the data's fieldset. */
function radios(id) {
  const fashion = el('input', {
    id: id('nn-data-fashion'),
    type: 'radio',
    name: id('nn-data'),
    value: 'fashion',
    checked: true,
  });
  const own = el('input', {
    id: id('nn-data-own'),
    type: 'radio',
    name: id('nn-data'),
    value: 'own',
    'data-part': 'nn-data-own',
  });
  return { fashion, own };
}

/** views: {trainer, inside} (the rebuild, the inversion's checkbox). */
export function mountData(lab, { trainer, inside }) {
  const { ctx, status } = lab;
  const radio = radios(ctx.id);
  const own = mountOwn(lab);

  /** The views of mode m, without a rebuild. */
  function show(m) {
    radio.own.checked = m === 'own';
    radio.fashion.checked = m !== 'own';
    own.node.hidden = m !== 'own';
    status.buttons.compare.hidden = m === 'own'; // the comparison trains on Fashion-MNIST
    inside.setMode(m);
  }

  /** The state's data changed to m: the lab follows (a Fashion-MNIST network is rebuilt). */
  function setMode(m) {
    if (m === lab.mode) return;
    lab.mode = m;
    lab.imported = null;
    show(m);
    lab.running = false;
    if (m === 'own') {
      own.draw();
      lab.stale = true;
      status.text = 'Name your classes and add pictures, then press Train.';
    } else {
      lab.serial(trainer.build);
    }
  }

  /** Mode m set by the lab itself (an imported file): the state follows, nothing is rebuilt. */
  function setModeQuiet(m) {
    if (m === lab.mode) return;
    lab.mode = m;
    lab.quiet = true;
    try {
      ctx.set('nndata', m);
    } finally {
      lab.quiet = false;
    }
    show(m);
    if (m === 'own') own.draw();
  }

  ctx.listen(radio.own, 'change', () => ctx.set('nndata', 'own'));
  ctx.listen(radio.fashion, 'change', () => ctx.set('nndata', 'fashion'));

  return {
    nodes: [
      el(
        'fieldset',
        { class: 'cp-nn-data' },
        el('legend', { text: 'train on' }),
        el('label', { for: radio.fashion.id }, radio.fashion, ' Fashion-MNIST (10 classes)'),
        el('label', { for: radio.own.id }, radio.own, ' your own classes (uploads or webcam)'),
      ),
      own.node,
    ],
    setMode,
    setModeQuiet,
    ownChanged: own.changed,
    destroy: own.destroy,
  };
}
