// @ts-check
// The repository's flat config, plus the plain-JavaScript benchmark (bench/*.mjs): Node globals,
// and no type-aware rules (it is not part of the TypeScript project).
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import root from '../../eslint.config.js';

export default defineConfig(root, {
  files: ['bench/**/*.mjs'],
  extends: [tseslint.configs.disableTypeChecked],
  languageOptions: {
    globals: { console: 'readonly', process: 'readonly', performance: 'readonly', URL: 'readonly', setTimeout: 'readonly', globalThis: 'readonly' },
  },
});
