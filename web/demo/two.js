// Two playgrounds on one page (the embedding demo, and the page the browser
// tests use to check that two instances never interfere): A in this document,
// B inside a shadow root, each with its own options.
import { mountPlayground } from '../src/page/mount.js';

const changes = { a: 0, b: 0 };
const a = mountPlayground(document.getElementById('a'), {
  initial: 'f=5&k=2',
  panels: ['image', 'layer', 'formula', 'volume', 'editor', 'inspect'],
  onStateChange: () => {
    changes.a += 1;
  },
});
const shadow = document.getElementById('b').attachShadow({ mode: 'open' });
const b = mountPlayground(shadow, {
  initial: { img: 'circle', size: 64, k: 3 },
  locked: ['k'],
  panels: ['image', 'layer', 'formula', 'volume', 'inspect', 'stepper', 'bnlab'],
  onStateChange: () => {
    changes.b += 1;
  },
});
window.playgrounds = { a, b, changes };
