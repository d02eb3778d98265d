// ESLint: typescript-eslint, react-hooks, and the architecture's boundaries as lint rules.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'
import { builtinModules } from 'node:module'

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)]

const noIpc = {
  name: 'electron',
  importNames: ['ipcMain', 'ipcRenderer'],
  message: 'Only src/main/electron/host.ts (ipcMain) and src/preload/index.ts (ipcRenderer) touch IPC.',
}

/** `no-restricted-imports` options for one boundary. */
function restrict({ paths = [], patterns = [] }) {
  return ['error', { paths, patterns }]
}

const nodeOnly = nodeBuiltins.map((name) => ({ name, message: 'No Node built-ins here.' }))
const nativeAndServer = ['electron', 'better-sqlite3', 'pkcs11js', 'pg', '@electric-sql/pglite', 'fastify', 'exceljs', 'node-forge', 'kysely']

export default tseslint.config(
  {
    ignores: ['out/**', 'dist/**', 'coverage/**', 'test-results/**', 'node_modules/**', 'test/**/fixtures/**', 'test/lint-fixtures/**', 'bin/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-restricted-imports': restrict({ paths: [noIpc] }),
    },
  },
  {
    // The central store queries PostgreSQL through an untyped Kysely<any> (rows are
    // validated by zod at the edges and by the database's own constraints); tests poke at
    // JSON answers. Elsewhere `any` stays an error.
    files: ['src/server/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['build/**/*.cjs', 'scripts/**/*.{mjs,cjs,js}'],
    languageOptions: { globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['src/main/electron/host.ts', 'src/preload/index.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // the domain core is pure: no Node, no Electron, no React, no I/O libraries
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict({
        paths: [...nodeOnly, ...[...nativeAndServer, 'react', 'react-dom', 'antd'].map((name) => ({ name, message: 'src/core is pure domain logic.' }))],
        patterns: [
          { regex: '^(\\.\\./)+(main|eds|server|cli|renderer|preload)(/|$)', message: 'src/core imports only src/core.' },
          { group: ['react/*', 'react-dom/*', '@electric-sql/*'], message: 'src/core is pure domain logic.' },
        ],
      }),
    },
  },
  {
    // the renderer talks to the backend only through window.api
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': restrict({
        paths: [...nodeOnly, ...nativeAndServer.map((name) => ({ name, message: 'The renderer uses window.api only.' }))],
        patterns: [
          {
            regex: '^(\\.\\./)+(main/(?!api/)|(eds|server|cli|preload)(/|$))',
            message: 'The renderer may import src/core and the API contract (src/main/api) only.',
          },
        ],
      }),
      'no-restricted-globals': ['error', { name: 'require', message: 'No require in the renderer.' }, { name: 'process', message: 'No process in the renderer.' }],
    },
  },
)
