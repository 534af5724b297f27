// Every error case arrives as a catchable Error (name ConvplayError) with the
// core's message, and the module keeps working afterwards. The messages are
// checked by content here; golden.test.mjs checks them character for
// character against the native core.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';

import { assertConvplayError, loadConvplay } from './helpers.mjs';

let cp, png;
before(async () => {
  cp = await loadConvplay();
  png = cp.encodePng({ shape: [1, 3, 4, 5], data: new Float32Array(60).fill(0.5) });
});

const x77 = { shape: [1, 1, 7, 7], data: new Float32Array(49) };
const w33 = { shape: [1, 1, 3, 3], data: new Float32Array(9) };

// [name, call, a piece of the message]
const cases = [
  ['stride 0', () => cp.conv2dForward(x77, w33, null, { strideH: 0 }), /stride 0 .*at least 1/],
  [
    'kernel bigger than the padded input',
    () => cp.convOutputSize(7, 11, 1, 1, 1),
    /kernel 11 is larger than padded width 7 \+ 2\*1 = 9/,
  ],
  [
    'channel mismatch',
    () => cp.conv2dGeometry([1, 3, 7, 7], [2, 4, 3, 3]),
    /filter depth 4 does not match input depth 3/,
  ],
  ['negative padding', () => cp.conv2dForward(x77, w33, null, { padW: -1 }), /padding -1/],
  [
    'reflect padding >= size',
    () =>
      cp.conv2dForward({ shape: [1, 1, 3, 3], data: new Float32Array(9) }, w33, null, {
        padH: 3,
        padW: 3,
        padMode: 'reflect',
      }),
    /reflect padding 3 must be smaller/,
  ],
  [
    'unknown pad mode',
    () => cp.conv2dForward(x77, w33, null, { padMode: 'mirror' }),
    /unknown padding mode 'mirror'/,
  ],
  [
    'unknown conv mode',
    () => cp.conv2dGeometry([1, 1, 7, 7], [1, 1, 3, 3], { mode: 'corr' }),
    /unknown convolution mode 'corr'/,
  ],
  [
    'data length',
    () => cp.conv2dForward({ shape: [1, 1, 7, 7], data: new Float32Array(48) }, w33, null),
    /x.data has 48 values, its shape needs 49/,
  ],
  ['corrupt image', () => cp.decodeImage(Uint8Array.from(png).fill(7, 20)), /decode_image: /],
  [
    'not an image',
    () => cp.decodeImage(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])),
    /cannot read the image header/,
  ],
  [
    'oversized image',
    () => cp.decodeImage(png, { maxPixels: 19 }),
    /more than the limit of 19 pixels/,
  ],
  ['empty image', () => cp.decodeImage(new Uint8Array(0)), /the image data is empty/],
  [
    'encode 2 channels',
    () => cp.encodePng({ shape: [1, 2, 2, 2], data: new Float32Array(8) }),
    /encode_png: the tensor has 2 channels/,
  ],
  [
    'batchnorm eps < 0',
    () => cp.batchnormForward({ shape: [2, 1, 1, 1], data: [1, 2] }, [1], [0], { eps: -1 }),
    /eps is -1/,
  ],
  [
    'batchnorm inference without running statistics',
    () => cp.batchnormForward({ shape: [2, 1, 1, 1], data: [1, 2] }, [1], [0], { training: false }),
    /batchnorm: running/,
  ],
  // Argument types are checked in JavaScript, before the module is entered.
  [
    'a shape that is not [N, C, H, W]',
    () => cp.conv2dGeometry([7, 7], [1, 1, 3, 3]),
    /inputShape must be \[N, C, H, W\]/,
  ],
  [
    'a fractional stride',
    () => cp.conv2dForward(x77, w33, null, { strideH: 1.5 }),
    /params.strideH must be an integer, got 1.5/,
  ],
  [
    'a string where a number belongs',
    () => cp.convOutputSize('7', 3, 0, 1, 1),
    /input must be an integer/,
  ],
  [
    'data that is not an array',
    () => cp.conv2dForward({ shape: [1, 1, 7, 7], data: 3 }, w33, null),
    /x.data must be a Float32Array/,
  ],
  ['padSourceIndex with n = 0', () => cp.padSourceIndex(0, 0, 'circular'), /at least 1/],
];

for (const [name, call, message] of cases) {
  test(`${name}: a catchable Error with the core's message, then a call succeeds`, () => {
    assert.throws(
      call,
      (e) => e instanceof Error && e.name === 'ConvplayError' && message.test(e.message),
    );
    assert.deepEqual(cp.conv2dForward(x77, w33, null).shape, [1, 1, 5, 5]);
    assert.equal(cp.decodeImage(png).image.shape[3], 5);
  });
}

test('errors are ordinary Errors: try/catch, instanceof, message, no abort', () => {
  let caught;
  try {
    cp.convOutputSize(7, 3, 0, 1, 0);
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof Error);
  assert.equal(caught.message, 'stride 0 (width) must be at least 1');
  assertConvplayError(
    assert,
    () => cp.convOutputSize(7, 3, 0, 1, 0, 'height'),
    'stride 0 (height) must be at least 1',
  );
  for (let i = 0; i < 100; ++i) assert.throws(() => cp.decodeImage(new Uint8Array(3)));
  assert.equal(cp.convOutputSize(227, 11, 0, 1, 4).size, 55);
});
