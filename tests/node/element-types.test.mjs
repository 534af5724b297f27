// The element's TypeScript declarations (scripts/element-types.mjs, written
// to dist/embed.d.ts by the build): a course page's script that uses the
// properties, the events and document.querySelector('conv-playground')
// compiles under strict TypeScript, and wrong uses are errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import ts from 'typescript';
import { elementTypes } from '../../scripts/element-types.mjs';
import { STATE_ATTRIBUTES } from '../../web/src/embed/attributes.js';

/** The diagnostics of compiling main.ts against embed.d.ts (strict, DOM types). */
function compile(mainTs) {
  const files = { '/p/embed.d.ts': elementTypes(), '/p/main.ts': mainTs };
  const options = {
    strict: true,
    noEmit: true,
    types: [],
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    module: ts.ModuleKind.ES2022,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
  };
  const host = ts.createCompilerHost(options);
  const read = host.readFile.bind(host);
  host.readFile = (f) => files[f] ?? read(f);
  host.fileExists = (f) => f in files || ts.sys.fileExists(f);
  const getSource = host.getSourceFile.bind(host);
  host.getSourceFile = (f, lang) =>
    f in files ? ts.createSourceFile(f, files[f], lang) : getSource(f, lang);
  // both roots: the page's script and the declarations next to embed.js
  const program = ts.createProgram(['/p/main.ts', '/p/embed.d.ts'], options, host);
  return ts
    .getPreEmitDiagnostics(program)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

test('a course script using the properties, events and HTMLElementTagNameMap compiles', () => {
  const errors = compile(`import './embed';
const el = document.querySelector('conv-playground');
if (el) {
  el.kernel = 5;
  el.paddingMode = 'reflect';
  el.filterKinds = ['box', 'sobelx'];
  el.kernelSeparate = true;
  el.theme = 'dark';
  const k: number = el.filters;
  el.addEventListener('convplay-change', (e) => {
    const p: number = e.detail.state.padding;
    const names: string[] = e.detail.changed;
    console.log(p, names, k);
  });
  el.addEventListener('error', (e) => console.log(e.detail.message));
  el.ready.then((x) => x.kernel);
}
const made = document.createElement('conv-playground');
made.stride = 2;
`);
  assert.deepEqual(errors, []);
});

test('wrong types are compile errors', () => {
  const errors = compile(`import './embed';
const el = document.createElement('conv-playground');
el.kernel = 'five';
el.paddingMode = 'mirror';
el.theme = 'blue';
el.addEventListener('convplay-change', (e) => e.detail.state.nope);
`);
  assert.equal(errors.length, 4, errors.join('\n'));
});

test('the declarations name a property for every attribute of the element', () => {
  const text = elementTypes();
  for (const { prop, attr } of STATE_ATTRIBUTES) {
    assert.match(text, new RegExp(`\\n  ${prop}: `), prop);
    assert.match(text, new RegExp(`'${attr}': `), attr);
  }
  assert.match(text, /interface HTMLElementTagNameMap \{\n\s+'conv-playground': ConvPlayground;/);
});
