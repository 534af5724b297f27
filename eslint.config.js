// ESLint (flat config) for the JavaScript of web/, tests/ and wasm/js:
// the recommended rules, browser / worker / Node globals where they run, and
// nothing that Prettier decides (eslint-config-prettier turns those off).
import js from '@eslint/js';
import globals from 'globals';
import prettier from 'eslint-config-prettier';

/** One no-restricted-imports block per folder of web/src: the folders it may not import. */
function layers(forbidden) {
  return Object.entries(forbidden).map(([folder, above]) => ({
    files: [`web/src/${folder}/**/*.js`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: above.map((name) => ({
            group: [`**/${name}/*`],
            message: `web/src/${folder} sits below ${name}/: move the shared code to a lower folder`,
          })),
        },
      ],
    },
  }));
}

export default [
  { ignores: ['build/', 'dist/', 'node_modules/', 'test-results/'] },
  js.configs.recommended,
  prettier,
  {
    languageOptions: { ecmaVersion: 2024, sourceType: 'module' },
    rules: {
      'no-unused-vars': ['error', { args: 'none', caughtErrors: 'none' }],
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  {
    files: ['web/src/**/*.js', 'web/demo/**/*.js', 'web/public/**/*.js'],
    languageOptions: { globals: { ...globals.browser } },
  },
  { files: ['web/src/worker/**/*.js'], languageOptions: { globals: { ...globals.worker } } },
  // the page's code in pieces a reader can hold: a function fits a screen or two
  {
    files: ['web/src/**/*.js'],
    rules: {
      'max-lines-per-function': ['error', 150],
      'max-lines': ['error', 500],
    },
  },
  // web/src's folders point one way: common <- worker <- page <- embed
  // (release/ holds the single-file build's replacements).
  ...layers({
    common: ['page', 'worker', 'embed', 'release'],
    worker: ['page', 'embed', 'release'],
    page: ['embed', 'release'],
  }),
  {
    files: [
      'web/vite.config.js',
      'web/vite/**/*.js',
      'eslint.config.js',
      'tests/**/*.{js,mjs}',
      'scripts/**/*.{js,mjs}',
    ],
    languageOptions: { globals: { ...globals.node } },
  },
  // the browser tests' page.evaluate callbacks run in the page
  {
    files: [
      'tests/browser/**/*.mjs',
      'tests/release/**/*.mjs',
      'tests/bench/page.mjs',
      'tests/bench/page-profile.mjs',
      'tests/bench/page-step.mjs',
      'tests/bench/nnlab.mjs',
      'tests/bench/nnlab-profile.mjs',
      'tests/bench/many.mjs',
    ],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
  },
  {
    files: ['wasm/js/**/*.{js,mjs,cjs}'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
  },
  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs' } },
  // concatenated after Emscripten's factory and wrapCore by wasm/make_single_post.cmake
  {
    files: ['wasm/js/single_loader.js'],
    languageOptions: {
      sourceType: 'script',
      globals: { createConvplayCore: 'readonly', wrapCore: 'readonly' },
    },
  },
];
