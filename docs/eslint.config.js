// @ts-check
// The repository's config, minus what the docs' checker generates (extracted snippets, compiled by
// the checker itself, and the typedoc output), plus Node's globals for the plain-JavaScript scripts.
import root from '../eslint.config.js';

export default [
  { ignores: ['.snippets*/', 'api/'] },
  ...root,
  { files: ['**/*.mjs'], languageOptions: { globals: { console: 'readonly', process: 'readonly' } } },
];
