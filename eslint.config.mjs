// @ts-check
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { importX } from 'eslint-plugin-import-x';
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

// Workflow code runs in Temporal's deterministic sandbox: no Node built-ins there, nor in the pure domain
// code it imports.
const NO_BUILTINS = 'Workflow and domain code must not use Node built-ins (determinism).';
const nodeBuiltins = {
  patterns: [{ group: ['node:*'], message: NO_BUILTINS }],
  paths: builtinModules.map((name) => ({ name, message: NO_BUILTINS })),
};

// Every open meeting evaluates the workflow bundle's modules afresh: zod there costs each one memory and CPU
// (BENCHMARKS.md). So the workflows, and the contract files they import, stay free of it.
const noZod = {
  name: 'zod',
  message: 'The workflow bundle stays zod-free: schemas go in contract/ files the workflows do not import.',
};
const WORKFLOW_CONTRACT = ['contract/workflow.ts', 'contract/search-attributes.ts'];

// The layers, by top-level folder: a zone forbids a folder (target) to import from others (from).
const FOLDERS = [
  'activities',
  'api',
  'bench',
  'client',
  'contract',
  'dev',
  'domain',
  'platform',
  'scripts',
  'simulator',
  'test',
  'worker',
  'workflows',
];
const allBut = (...allowed) => FOLDERS.filter((f) => !allowed.includes(f)).map((f) => `./${f}`);
const layers = [
  { target: './domain', from: allBut('domain'), message: 'domain/ is pure: it imports only domain/.' },
  {
    target: './contract',
    from: allBut('contract', 'domain'),
    message: 'contract/ imports only domain/ (and @temporalio/*, zod).',
  },
  {
    target: './client',
    from: allBut('client', 'contract', 'domain'),
    message: 'client/ depends on contract/ and domain/ only (api/ may use client/, never the reverse).',
  },
  {
    // activities/ is restricted below: its types are allowed (proxyActivities<typeof ...>).
    target: './workflows',
    from: allBut('workflows', 'contract', 'domain', 'activities'),
    message: 'Workflows import only contract/, domain/ and the types of activities/.',
  },
  { target: allBut('test'), from: './test', message: 'Only tests import test/ (shared tools go in dev/).' },
];

export default tseslint.config(
  { ignores: ['node_modules', 'dist', '.tools', '.data', 'data', 'coverage'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    plugins: { 'import-x': importX },
    settings: {
      // Without these, import-x reads no .ts module and no-cycle finds nothing.
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [
        createTypeScriptImportResolver({ project: `${import.meta.dirname}/tsconfig.json` }),
      ],
    },
    rules: {
      // Type-only imports are erased and do not count as cycles here: `npm run lint:cycles` (dpdm, run by
      // `npm run lint`) fails on those too. External packages are not walked (speed).
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': ['error', { basePath: import.meta.dirname, zones: layers }],
    },
  },
  {
    files: ['domain/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', nodeBuiltins] },
  },
  {
    files: ['workflows/**/*.ts', ...WORKFLOW_CONTRACT],
    rules: { 'no-restricted-imports': ['error', { ...nodeBuiltins, paths: [...nodeBuiltins.paths, noZod] }] },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              // Activities run on the worker, outside the sandbox: workflows see their types only.
              regex: '^(\\.\\./)+activities(/|$)',
              allowTypeImports: true,
              message: 'Workflows call activities through proxyActivities: import their types only.',
            },
            {
              regex: '^(\\.\\./)+contract/(?!(workflow|search-attributes)$)',
              message:
                'Workflows import only the zod-free contract files (contract/workflow.ts, search-attributes.ts).',
            },
          ],
        },
      ],
    },
  },
  {
    // Tests read untyped JSON answers and use jest's asymmetric matchers (typed any).
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: {
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        console: 'readonly',
        __dirname: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  prettier,
);
