// ESLint (flat config) for the JavaScript of web/, tests/ and wasm/js:
// the recommended rules, browser / worker / Node globals where they run, and
// nothing that Prettier decides (eslint-config-prettier turns those off).
import js from '@eslint/js';
import globals from 'globals';
import prettier from 'eslint-config-prettier';

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
      'tests/bench/nnlab.mjs',
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
