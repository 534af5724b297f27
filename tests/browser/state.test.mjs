// The page's state table (web/src/state.js) in plain Node: parsing hostile
// hashes never throws and always gives valid values; serialize/parse round-trips.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  PROPS,
  parseHash,
  serialize,
  defaults,
  coerce,
  convParams,
  kernelHW,
  rowOf,
} from '../../web/src/common/state.js';

test('defaults serialize to an empty hash and parse back', () => {
  assert.equal(serialize(defaults()), '');
  assert.deepEqual(parseHash(''), defaults());
  assert.deepEqual(parseHash('#'), defaults());
});

test('round trip of every field', () => {
  const s = defaults();
  Object.assign(s, {
    img: 'circle',
    size: 100,
    fit: 'square',
    grey: true,
    f: 5,
    fw: 7,
    fsep: true,
    p: 3,
    pad: 'reflect',
    s: 2,
    sw: 3,
    ssep: true,
    dil: 2,
    k: 9,
    mode: 'conv',
    filters: ['laplace', 'custom'],
    bias: [0.5, -1.25],
    seed: 42,
    scale: 'layer',
    at: '1.2.3',
    w1: [1, -2.5, 0.125],
  });
  assert.deepEqual(parseHash(`#${serialize(s)}`), s);
});

test('hostile values are clamped, replaced by the default, or ignored; never a throw', () => {
  const s = parseHash(
    '#f=-3&k=999&p=NaN&s=2.6&pad=__proto__&mode=toString&grey=yes&filters=,,,&bias=1,,abc,-1e9' +
      '&at=<img>&constructor=1&__proto__=x&%E0%A4%A=1&size=&w0=' +
      '1,'.repeat(400),
  );
  assert.equal(s.f, 1);
  assert.equal(s.k, 16);
  assert.equal(s.p, 1);
  assert.equal(s.s, 3);
  assert.equal(s.pad, 'zero');
  assert.equal(s.mode, 'xcorr');
  assert.equal(s.grey, false);
  assert.deepEqual(s.filters, defaults().filters);
  assert.deepEqual(s.bias, [1, 0, 0, -100]);
  assert.equal(s.at, '');
  assert.equal(s.size, 256);
  assert.deepEqual(s.w0, []); // too many numbers: the default
  assert.equal(parseHash('#k=1e400').k, 4); // not finite: the default
  assert.equal(Object.getPrototypeOf(s), Object.prototype);
  for (const junk of [null, undefined, 42, {}, '#&&&==&', '#='.repeat(100000), '#%', '#f=%ZZ']) {
    assert.doesNotThrow(() => parseHash(junk));
  }
});

test('a float set from code holds what its link says: the link redraws the same page', () => {
  const s = defaults();
  const third = Math.fround(1 / 3); // a weight as a Float32Array gives it
  Object.assign(s, {
    w2: coerce(rowOf('w2'), [third, -1e-9, 70, 0.1 + 0.2]),
    bias: coerce(rowOf('bias'), [2 / 3]),
    bnx: coerce(rowOf('bnx'), [123456789012.5, -1e-7]),
    bnbeta: coerce(rowOf('bnbeta'), 1 / 7),
  });
  assert.deepEqual(s.w2, [0.333333, 0, 70, 0.3]);
  assert.ok(!Object.is(s.w2[1], -0), 'no -0 (the link writes 0)');
  assert.deepEqual(s.bnx, [123456789012.5, 0]);
  assert.equal(s.bnbeta, 0.142857);
  assert.deepEqual(parseHash(`#${serialize(s)}`), s);
});

test('every row coerces its own default to itself', () => {
  for (const row of PROPS) assert.deepEqual(coerce(row, row.default), row.default, row.name);
});

test('derived values: kernel and params', () => {
  const s = parseHash('#f=5&fw=2&s=3&p=2&dil=2&pad=circular&mode=conv');
  assert.deepEqual(kernelHW(s), { fh: 5, fw: 5 }); // square unless fsep
  assert.deepEqual(convParams(s), {
    strideH: 3,
    strideW: 3,
    padH: 2,
    padW: 2,
    dilationH: 2,
    dilationW: 2,
    padMode: 'circular',
    mode: 'convolution',
  });
});

test('the network lab own-class names: free text in the link, commas and percent signs included', () => {
  const s = defaults();
  assert.equal(s.nndata, 'fashion');
  assert.deepEqual(s.nncls, ['', '']); // two unnamed classes: the set a student starts with
  const names = ['cup', 'a,b 50%', '', 'ünï %2C'];
  Object.assign(s, { nndata: 'own', nncls: coerce(rowOf('nncls'), names) });
  assert.deepEqual(s.nncls, names);
  const hash = serialize(s);
  assert.match(hash, /^nndata=own&nncls=cup,a%252Cb%2050%2525,,/);
  assert.deepEqual(parseHash(`#${hash}`), s);
  const row = rowOf('nncls');
  assert.deepEqual(coerce(row, 'x,,y'), ['x', '', 'y']);
  assert.deepEqual(coerce(row, ''), ['']);
  assert.deepEqual(coerce(row, 'a,b,c,d,e'), ['', '']); // more than 4 classes: the default
  assert.deepEqual(coerce(row, ['tab\there', 'z'.repeat(50)]), ['tabhere', 'z'.repeat(40)]);
  for (const junk of [NaN, {}, [], null, '%', '%%2C']) assert.doesNotThrow(() => coerce(row, junk));
});
