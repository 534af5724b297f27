// A course page with ten <conv-playground>s between paragraphs of text (the
// worker budget's test, tests/browser/many.test.mjs, and its benchmark,
// tests/bench/many.mjs):
//
//   const html = manyPage();          // served beside dist/embed.js as /many.html
//   const ids = MANY_IDS;             // 'pg0' .. 'pg9'

const CONFIGS = [
  'kernel="5" padding="2" panels="image,layer,volume"',
  'kernel="3" stride="2" panels="layer,formula,volume"',
  'sample="coffee" filters="8" panels="image,volume"',
  'sample="checker" size="64" kernel="5" panels="layer,volume,inspect"',
  'sample="astronaut" dilation="2" panels="layer,volume"',
  'preset="alexnet" panels="layer,formula,alexnet"',
  'sample="stripes" size="128" filter-kinds="sobelx,sobely" filters="2" panels="image,layer,volume"',
  'kernel="7" padding="3" padding-mode="reflect" panels="layer,volume"',
  'sample="circle" size="96" operation="conv" panels="layer,formula,volume"',
  'filters="16" panels="volume,inspect"',
];

export const MANY_IDS = CONFIGS.map((_, i) => `pg${i}`);

const PROSE =
  'A convolution layer slides each filter over its input and writes one number per position. ' +
  'Padding keeps the border, a stride skips positions, dilation spreads the filter. ';

/** The page: a heading, then per playground a few paragraphs and the element. */
export function manyPage({ script = '/embed.js' } = {}) {
  const parts = CONFIGS.map(
    (attrs, i) => `<h2>Part ${i + 1}</h2>
${`<p>${PROSE.repeat(4)}</p>\n`.repeat(3)}<conv-playground id="pg${i}" ${attrs}></conv-playground>`,
  );
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Ten playgrounds</title><link rel="icon" href="data:,">
<script type="module" src="${script}"></script></head>
<body><main><h1>A lesson with ten playgrounds</h1>
${parts.join('\n')}
<p>The end.</p></main></body></html>`;
}
