import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

const analyses = ['explain', 'global', 'slice', 'fairness', 'robust', 'uncertainty', 'represent', 'compress', 'defuse', 'assert', 'trees'];

/** Analyses meet only in data/, model/, math/ and scan/; they never import each other. */
const analysisBoundaries = analyses.map((name) => ({
  files: [`src/${name}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: analyses
          .filter((other) => other !== name)
          .map((other) => ({ group: [`../${other}/*`, `../../${other}/*`, `../${other}`, `../../${other}`], message: `Analyses must not import each other (${name} → ${other}); share code through math/, data/ or model/.` })),
      },
    ],
  },
}));

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'models/', 'bench/.data/', 'scratch/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  ...analysisBoundaries,
  {
    // No runtime import cycle in src/: `import type` is erased and exempt, every other import counts.
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
  {
    files: ['src/report/**/*.ts', 'src/cli/**/*.ts', 'src/server/**/*.ts', 'src/ui/**/*.ts'],
    rules: {},
  },
);
