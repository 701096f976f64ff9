// ESLint flat config. Besides typescript-eslint's strict rules it enforces the layer rules of
// ARCHITECTURE.md: which folders may import which, and which runtime APIs each layer may touch.
// Each layer rule has a test in test/lint/layers.test.ts that proves it catches a violation.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const NODE_BUILTINS_REGEX = '^(node:.*|fs|fs/promises|path|os|crypto|child_process|worker_threads|net|http|https|stream|events|url|util|zlib)$';

/** Import patterns by layer, relative to the importing file's folder depth. */
const layer = (name, files, patterns, extra = {}) => ({
  name: `libra/layer-${name}`,
  files,
  rules: {
    'no-restricted-imports': ['error', { patterns }],
    ...extra,
  },
});

const noElectron = { group: ['electron', 'electron/*'], message: 'electron may only be imported in src/main/app and src/main/host/ipc (and src/preload).' };
const noReact = { group: ['react', 'react-dom', 'react-dom/*', '@reduxjs/*', 'lightweight-charts'], message: 'UI libraries belong to src/renderer.' };
/** The adapters. Hosts (cli, host, app) reach them only through the kernel's use cases (kernel.ts re-exports the types they need). */
const ADAPTERS = ['venues', 'backtest', 'storage', 'native', 'cluster', 'agents', 'config'];
/** A bare adapter folder (its index.ts), e.g. '../native', which the `**\/native/**` globs miss. */
const ADAPTER_INDEX_REGEX = `^(\\.\\./)+(${ADAPTERS.join('|')})$`;
const hostsOnlyKernel = 'hosts (cli, host, app) may import only the kernel, the engine and src/shared: reach adapters through Kernel methods.';
const noAdapters = [
  { group: ADAPTERS.map((a) => `**/${a}/**`), message: hostsOnlyKernel },
  { regex: ADAPTER_INDEX_REGEX, message: hostsOnlyKernel },
];
const noCli = { group: ['**/cli/**'], message: 'the host serves the kernel to transports; it never imports the CLI (the CLI imports the host).' };

export default tseslint.config(
  {
    ignores: ['node_modules/**', '.build/**', '.tsbuild/**', '.vite/**', 'out/**', 'dist/**', 'native/target/**', 'native/index.cjs', 'native/*.node', 'artifacts/**', 'test-results/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off', '@typescript-eslint/consistent-type-imports': 'off' },
  },
  // src/shared: pure TypeScript — no node:, no electron, no DOM, nothing from main/renderer/preload.
  layer('shared', ['src/shared/**/*.ts'], [
    { regex: NODE_BUILTINS_REGEX, message: 'src/shared is pure: no Node built-ins.' },
    noElectron,
    noReact,
    { group: ['**/main/**', '**/renderer/**', '**/preload/**'], message: 'src/shared may import only src/shared.' },
  ]),
  // src/main/engine: shared + node builtins only; time and randomness through the Clock.
  layer(
    'engine',
    ['src/main/engine/**/*.ts'],
    [
      noElectron,
      noReact,
      { group: ['**/venues/**', '**/backtest/**', '**/storage/**', '**/native/**', '**/cluster/**', '**/agents/**', '**/config/**', '**/host/**', '**/app/**', '**/cli/**', '**/kernel', '**/renderer/**', '**/preload/**'], message: 'src/main/engine may import only src/shared and the engine itself.' },
      { regex: ADAPTER_INDEX_REGEX, message: 'src/main/engine may import only src/shared and the engine itself.' },
      { group: ['ccxt', '@duckdb/*', '@questdb/*', 'ws', 'ioredis', 'redis'], message: 'adapters own their libraries; the engine defines interfaces instead.' },
    ],
    {
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'engine time comes from the injected Clock.' },
        { object: 'Math', property: 'random', message: 'engine randomness must be injected (seeded) so backtests replay bit for bit.' },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'use the Clock\'s timers.' },
        { name: 'setInterval', message: 'use the Clock\'s timers.' },
        { name: 'setImmediate', message: 'use the Clock\'s timers.' },
      ],
    },
  ),
  // Adapters: engine + shared + their own libraries; never the host/app/cli/kernel.
  layer('adapters', ['src/main/{venues,backtest,storage,native,cluster,agents,config}/**/*.ts'], [
    noElectron,
    noReact,
    { group: ['**/host/**', '**/app/**', '**/cli/**', '**/kernel', '**/renderer/**', '**/preload/**'], message: 'adapters may import only the engine, src/shared and their own libraries.' },
  ]),
  layer('kernel', ['src/main/kernel.ts'], [
    noElectron,
    noReact,
    { group: ['**/host/**', '**/app/**', '**/cli/**', '**/renderer/**', '**/preload/**'], message: 'the kernel builds the engine and adapters; hosts import the kernel, not the other way round.' },
  ]),
  // Hosts: kernel + engine + shared (+ their own folder). Electron only in app/ and host/ipc.
  layer('cli', ['src/main/cli/**/*.ts'], [
    noElectron,
    noReact,
    ...noAdapters,
    { group: ['**/app/**', '**/renderer/**', '**/preload/**'], message: 'the CLI and browser-mode host must run without Electron.' },
  ]),
  {
    ...layer('host', ['src/main/host/**/*.ts'], [
      noElectron,
      noReact,
      ...noAdapters,
      noCli,
      { group: ['**/app/**', '**/renderer/**', '**/preload/**'], message: 'the CLI and browser-mode host must run without Electron.' },
    ]),
    ignores: ['src/main/host/ipc/**'],
  },
  layer('host-ipc', ['src/main/host/ipc/**/*.ts'], [
    noReact,
    ...noAdapters,
    noCli,
    { group: ['**/app/**', '**/renderer/**', '**/preload/**'], message: 'host/ipc serves the contract over ipcMain; windows belong to src/main/app.' },
  ]),
  layer('app', ['src/main/app/**/*.ts'], [
    noReact,
    ...noAdapters,
    { group: ['**/cli/**', '**/renderer/**', '**/preload/**'], message: 'the Electron shell loads windows and the preload by path, and never imports the CLI.' },
  ]),
  layer('preload', ['src/preload/**/*.ts'], [
    { group: ['**/main/**', '**/renderer/**', '**/shared/domain/**', '**/shared/messages/**'], message: 'the preload may import only src/shared/ipc.' },
    noReact,
  ]),
  {
    ...layer('renderer', ['src/renderer/**/*.{ts,tsx}'], [
      { regex: NODE_BUILTINS_REGEX, message: 'the renderer has no Node: reach main through window.libra.' },
      noElectron,
      { group: ['**/main/**', '**/preload/**'], message: 'the renderer may import only src/shared (and reach main through window.libra).' },
    ]),
    languageOptions: { globals: { ...globals.browser } },
  },
);
