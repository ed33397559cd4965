import js from '@eslint/js';
import boundaries from 'eslint-plugin-boundaries';
import tseslint from 'typescript-eslint';
import { boundariesRuleOptions, boundariesSettings } from './eslint.boundaries.js';

export default tseslint.config(
  { ignores: ['node_modules/**', 'web/dist/**', 'data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportAllDeclaration', message: 'Use named exports, not export *.' },
      ],
    },
  },
  // Layering (docs/architecture.md "Layers"): which folder may import which, type-only imports included.
  {
    files: ['src/**/*.ts', 'web/src/**/*.{ts,tsx}'],
    plugins: { boundaries },
    settings: boundariesSettings(),
    rules: {
      'boundaries/dependencies': ['error', boundariesRuleOptions()],
      // Every file under src/ and web/src/ belongs to a layer: a new folder must be added to the layering.
      'boundaries/no-unknown-files': 'error',
    },
  },
);
