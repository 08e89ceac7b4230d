// @ts-check
// The repository's config, plus: the benchmark scripts are plain JavaScript outside the
// TypeScript project, so they are linted without type information.
import tseslint from 'typescript-eslint';
import root from '../../eslint.config.js';

export default [
  ...root,
  {
    files: ['bench/**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { Buffer: 'readonly', console: 'readonly', process: 'readonly', performance: 'readonly', setImmediate: 'readonly' },
    },
  },
];
