// Pictures a student could upload as own classes of the network lab: PNGs of
// a pattern ('stripes' vertical, 'bars' horizontal, 'disk') with some noise,
// in varied sizes, deterministic for a seed.
//
//   import { labPictures } from './lab-pictures.mjs';
//   await input.setInputFiles(labPictures('disk', 10, 5));
import { makePng } from './helpers.mjs';

function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const SIZES = [
  [32, 32],
  [48, 36],
  [40, 64],
  [28, 28],
  [90, 60],
];

/** n files {name, mimeType, buffer} of one kind. */
export function labPictures(kind, n, seed) {
  const r = rng(seed);
  return Array.from({ length: n }, (_, i) => {
    const [w, h] = SIZES[i % SIZES.length];
    const period = 4 + Math.floor(r() * 3);
    const phase = Math.floor(r() * period);
    const cx = w * (0.4 + 0.2 * r());
    const cy = h * (0.4 + 0.2 * r());
    const rad = Math.min(w, h) * (0.25 + 0.1 * r());
    const buffer = makePng(w, h, (x, y) => {
      const px = Math.floor((x * 28) / w);
      const py = Math.floor((y * 28) / h);
      let on;
      if (kind === 'stripes') on = Math.floor((px + phase) / (period / 2)) % 2 === 0;
      else if (kind === 'bars') on = Math.floor((py + phase) / (period / 2)) % 2 === 0;
      else on = (x - cx) ** 2 + (y - cy) ** 2 < rad * rad;
      const v = Math.max(0, Math.min(255, (on ? 220 : 30) + Math.round((r() - 0.5) * 40)));
      return [v, v, v];
    });
    return { name: `${kind}-${i + 1}.png`, mimeType: 'image/png', buffer };
  });
}
