// The inspector's numbers add up by hand: a student adding the products shown for a
// channel gets the channel's sum as shown (with the rounding written out when
// rounding the products changed it), and adding the channel sums and the bias as
// shown gets y; y agrees with the core's value.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openSuite, closeSuite, openPage, waitIdle } from './helpers.mjs';

let server, browser;
before(async () => ({ server, browser } = await openSuite()));
after(() => closeSuite({ server, browser }));

/** Everything the inspector shows as text: per channel the products and the sum line, then y. */
function readInspector(page) {
  return page.evaluate(() => {
    const box = document.getElementById('inspect');
    // the sum: its element (else, in a page without one, the number the line ends on)
    const sumOf = (line) => ({
      text: line.textContent,
      shown: line.querySelector('.sum-shown')?.textContent ?? null,
      rounding: line.querySelector('.sum-rounding')?.textContent ?? null,
      value:
        line.querySelector('.sum-value')?.textContent ??
        /products = (-?[0-9.e+-]+)/.exec(line.textContent)?.[1] ??
        line.querySelector('.inspect-sum')?.textContent ??
        null,
    });
    return {
      channels: [...box.querySelectorAll('.inspect-channel')].map((ch) => ({
        products: [...ch.querySelectorAll('.g-p .wcell')].map((c) => c.textContent),
        sum: sumOf(ch.querySelector('.channel-sum')),
      })),
      total: sumOf(box.querySelector('.inspect-total')),
      bias:
        box.querySelector('.inspect-bias')?.textContent ??
        /\+ (-?[0-9.e+-]+) = [^=]*$/.exec(
          box.querySelector('.inspect-total').textContent.split(';')[0],
        )?.[1] ??
        null,
      core: box.querySelector('.inspect-core').textContent,
    };
  });
}

/** Decimals of a number written "0.3025" (the inspector writes fixed decimals). */
const decimals = (t) => (t.includes('.') ? t.split('.')[1].length : 0);
/** "0.3025" -> 3025 (units of its last decimal), exactly. */
const units = (t, d) => Math.round(Number(t.replace('−', '-').replace(/\s/g, '')) * 10 ** d);

/** Checks that the sum line adds up from the parts (texts), as a student would. */
function checkSum(parts, sum, what) {
  assert.ok(sum.value !== null, `${what}: the sum is shown (${sum.text})`);
  const d = decimals(sum.value);
  const added = parts.reduce((a, p) => a + units(p, d), 0);
  // what a student gets by adding the parts is the sum as written
  const written = sum.shown ?? sum.value;
  assert.equal(
    added,
    units(written, d),
    `${what}: the parts ${parts.join(' + ')} add to ${added} (units of 1e-${d}), the page says ${written}: ${sum.text}`,
  );
  for (const p of parts)
    assert.equal(decimals(p), d, `${what}: "${p}" has ${d} decimals as the sum`);
  // and the rounding written out takes it to the value
  const r = sum.rounding === null ? 0 : units(sum.rounding, d);
  assert.equal(units(written, d) + r, units(sum.value, d), `${what}: ${sum.text}`);
  return d;
}

async function checkPixel(page, k, y, x, what) {
  await page.evaluate(([a, b, c]) => window.convplay.set('at', `${a}.${b}.${c}`), [k, y, x]);
  await page.waitForFunction(
    (w) => document.querySelector('#inspect .inspect-where')?.textContent === w,
    `map ${k + 1}, row ${y}, column ${x}`,
  );
  const s = await readInspector(page);
  assert.ok(s.channels.length >= 1, what);
  for (const [i, ch] of s.channels.entries()) {
    assert.ok(
      ch.products.length > 0 && ch.products.every((t) => t !== ''),
      `${what}: products shown`,
    );
    checkSum(ch.products, ch.sum, `${what}, channel ${i + 1}`);
  }
  const d = checkSum(
    [...s.channels.map((ch) => ch.sum.value), s.bias],
    s.total,
    `${what}, y = Σ channels + b`,
  );
  // y as shown agrees with the core's value to the decimals shown
  const core = Number(s.core);
  assert.ok(
    Math.abs(units(s.total.value, d) - core * 10 ** d) <= 0.5 + 1e-6,
    `${what}: y ${s.total.value}, the core ${s.core}`,
  );
  return s;
}

test('the products shown add up to the sums shown, and the sums to y (default page)', async () => {
  const { page, errors } = await openPage(browser, server.url);
  const [, K, H2, W2] = await page.evaluate(() => window.convplay.result.output.shape);
  const pixels = [
    [0, 60, 120],
    [1, Math.floor(H2 / 2), Math.floor(W2 / 2)],
    [2, 0, 0],
    [K - 1, H2 - 1, W2 - 1],
    [3, 100, 37],
  ];
  for (const [k, y, x] of pixels) await checkPixel(page, k, y, x, `map ${k + 1} (${y}, ${x})`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('they add up with random filters, a bias, reflect padding and a 5 x 5 kernel', async () => {
  const { page, errors } = await openPage(browser, server.url, {
    hash: 'f=5&p=2&pad=reflect&filters=random&k=3&mode=conv&size=64&bias=0.125,-0.3,0.05',
  });
  await waitIdle(page);
  for (let i = 0; i < 12; i++) {
    const [k, y, x] = [i % 3, (i * 7) % 40, (i * 13) % 60];
    await checkPixel(page, k, y, x, `random ${k + 1} (${y}, ${x})`);
  }
  assert.deepEqual(errors, []);
  await page.close();
});
