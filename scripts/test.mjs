#!/usr/bin/env node
// `npm test`: build, lint, type-check, unit/integration tests (vitest, with src/core
// coverage), then end-to-end tests (Playwright in Chromium). Every step runs even when an
// earlier one failed; the last line is the combined summary, and the exit code is non-zero
// if anything failed.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'

const bin = (name) => `node_modules/.bin/${name}`
const failures = []
const totals = { passed: 0, failed: 0, skipped: 0 }

function step(label, cmd, args, env = {}) {
  process.stdout.write(`\n=== ${label}: ${cmd} ${args.join(' ')}\n`)
  const t0 = Date.now()
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } })
  const ok = r.status === 0
  process.stdout.write(`=== ${label}: ${ok ? 'ok' : `FAILED (exit ${r.status ?? r.signal})`} in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`)
  if (!ok) failures.push(label)
  return ok
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'))
  } catch {
    return null
  }
}

mkdirSync('test-results', { recursive: true })
rmSync('test-results/vitest.json', { force: true })
rmSync('test-results/playwright.json', { force: true })

step('build', bin('electron-vite'), ['build'])
step('lint', bin('eslint'), ['.', '--max-warnings=0'])
step('typecheck (node)', bin('tsc'), ['-p', 'tsconfig.node.json', '--noEmit'])
step('typecheck (web)', bin('tsc'), ['-p', 'tsconfig.web.json', '--noEmit'])

step('unit and integration tests (vitest)', bin('vitest'), [
  'run',
  '--coverage',
  '--reporter=default',
  '--reporter=json',
  '--outputFile.json=test-results/vitest.json',
])
const vitest = readJson('test-results/vitest.json')
if (vitest) {
  totals.passed += vitest.numPassedTests
  totals.failed += vitest.numFailedTests
  totals.skipped += vitest.numPendingTests + vitest.numTodoTests
} else if (!failures.includes('unit and integration tests (vitest)')) {
  failures.push('vitest report missing')
}

if (existsSync('out/renderer/index.html')) {
  step('end-to-end tests (Playwright, Chromium)', bin('playwright'), ['test'])
  const pw = readJson('test-results/playwright.json')
  if (pw) {
    totals.passed += pw.stats.expected + pw.stats.flaky
    totals.failed += pw.stats.unexpected
    totals.skipped += pw.stats.skipped
  } else failures.push('playwright report missing')
} else {
  failures.push('end-to-end tests (no built renderer)')
}

process.stdout.write('\n')
if (failures.length) process.stdout.write(`failed steps: ${failures.join('; ')}\n`)
if (failures.length && totals.failed === 0) totals.failed = failures.length
process.stdout.write(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`)
process.exit(failures.length ? 1 : 0)
