import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

/**
 * The layers, bottom to top (docs/architecture.md draws them). An import may only point down:
 *   foundation  errors, rng, version, io, parallel, math, data, encode, model, train, results
 *   analyses    explain, global, slice, fairness, … (never each other)
 *   demos       built-in datasets and models
 *   scan        detectors and orchestration; joins report and store in writeRun
 *   report      renders results (HTML, Markdown, JUnit)  ·  store: writes a run folder
 *   cli, server the commands and the dashboard
 * report and store sit beside each other: neither imports the other, and neither imports scan.
 */
const foundation = ['errors.ts', 'rng.ts', 'version.ts', 'io', 'parallel', 'math', 'data', 'encode', 'model', 'train', 'results'];
const analyses = ['explain', 'global', 'slice', 'fairness', 'robust', 'uncertainty', 'represent', 'compress', 'defuse', 'assert', 'trees', 'challenger', 'labels'];
const apps = ['cli', 'server', 'ui', 'index.ts'];
const src = (names) => names.map((name) => `./src/${name}`);

const layerZones = [
  {
    target: src(foundation),
    from: src([...analyses, 'demos', 'scan', 'report', 'store', ...apps]),
    message: 'The foundation (data, encode, model, math, results, …) sits below every other layer; move shared code down instead of importing up.',
  },
  ...analyses.map((name) => ({
    target: `./src/${name}`,
    from: src(analyses.filter((other) => other !== name)),
    message: `Analyses must not import each other (${name} → another analysis); share code through math/, data/, model/ or results/.`,
  })),
  {
    target: src(analyses),
    from: src(['demos', 'scan', 'report', 'store', ...apps]),
    message: 'Analyses are pure (inputs → typed result): they may not import demos, scan, report, store or the apps. Chart and report block types live in results/.',
  },
  { target: './src/demos', from: src([...analyses, 'scan', 'report', 'store', ...apps]), message: 'Demos build data and models from the foundation only.' },
  { target: './src/scan', from: src(['demos', ...apps]), message: 'scan may not import demos or the apps (cli, server); the CLI hands demo inputs to scan.' },
  { target: './src/report', from: src([...analyses, 'demos', 'scan', 'store', ...apps]), message: 'report renders results/ data; it computes nothing and imports neither scan nor store.' },
  {
    target: './src/ui',
    from: src([...foundation, ...analyses, 'demos', 'scan', 'report', 'store', 'cli', 'server', 'index.ts']),
    message: 'ui is the browser bundle: it talks to the server over HTTP only (src/ui/api.ts) and imports nothing else from src/.',
  },
  { target: './src/store', from: src([...analyses, 'demos', 'scan', 'report', ...apps]), message: 'store writes results/ data; rendering belongs to report, and joining the two to scan/write-run.ts.' },
];

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
  {
    // No runtime import cycle in src/ (`import type` is erased and exempt), and imports only point down the layers.
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
    // Shipped code follows the layers; tests beside the code may reach across them to build fixtures.
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: { 'import-x/no-restricted-paths': ['error', { zones: layerZones }] },
  },
);
