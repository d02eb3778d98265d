#!/usr/bin/env node
// Build better-sqlite3 for Electron's ABI into build/native/<platform>-<arch>/ (its own
// folder: node_modules keeps the Node build that `npm test`, the CLI and the web host use,
// so nothing is rebuilt back and forth). Run by `npm start` (prestart) and `npm run dist`.
//
//   node scripts/rebuild-electron.mjs            build unless an up-to-date build exists
//   node scripts/rebuild-electron.mjs --force    build again
//   node scripts/rebuild-electron.mjs --print-target   print where it builds (JSON) and exit
//
// Environment: BQ_ELECTRON_HEADERS_URL = a mirror of https://www.electronjs.org/headers.
// The layout must match src/main/native.ts (a test checks it).
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const req = createRequire(join(root, 'package.json'))
const readJson = (p) => JSON.parse(readFileSync(p, 'utf8'))

const electronVersion = readJson(req.resolve('electron/package.json')).version
const moduleDir = dirname(req.resolve('better-sqlite3/package.json'))
const moduleVersion = readJson(join(moduleDir, 'package.json')).version
const platform = process.platform
const arch = process.arch
const dir = join(root, 'build', 'native', `${platform}-${arch}`)
const binding = join(dir, 'better_sqlite3.node')
const infoFile = join(dir, 'build-info.json')
const headerURL = process.env.BQ_ELECTRON_HEADERS_URL || 'https://www.electronjs.org/headers'
const args = new Set(process.argv.slice(2))

if (args.has('--print-target')) {
  process.stdout.write(JSON.stringify({ dir, binding, electron: electronVersion, moduleVersion, platform, arch }) + '\n')
  process.exit(0)
}

function upToDate() {
  if (!existsSync(binding) || !existsSync(infoFile)) return false
  try {
    const info = readJson(infoFile)
    return info.electron === electronVersion && info.moduleVersion === moduleVersion && info.platform === platform && info.arch === arch
  } catch {
    return false
  }
}

class Failure extends Error {
  constructor(lines) {
    super(lines[0])
    this.lines = lines
  }
}
function fail(lines) {
  throw new Failure(lines)
}
function report(err) {
  const lines = err instanceof Failure ? err.lines : ['Unexpected error:', String(err?.stack || err)]
  process.stderr.write(['', 'rebuild-electron: FAILED', ...lines.map((l) => `  ${l}`), ''].join('\n') + '\n')
  process.exitCode = 1
}

if (!args.has('--force') && upToDate()) {
  process.stdout.write(`rebuild-electron: better-sqlite3 ${moduleVersion} for Electron ${electronVersion} (${platform}-${arch}) is up to date in ${dir}\n`)
  process.exit(0)
}

// The Electron ABI (NODE_MODULE_VERSION) this build must carry.
const abi = createRequire(req.resolve('@electron/rebuild/package.json'))('node-abi').getAbi(electronVersion, 'electron')

// npm passes its config to scripts as npm_config_* variables. This machine's npmrc sets
// nodedir=/usr: node-gyp would then silently build against Node's headers. Drop every
// setting that redirects node-gyp away from Electron's headers.
for (const k of Object.keys(process.env)) {
  if (/^npm_config_(nodedir|target|runtime|disturl|dist_url|build_from_source)$/i.test(k)) delete process.env[k]
}

process.stdout.write(
  `rebuild-electron: building better-sqlite3 ${moduleVersion} for Electron ${electronVersion} (ABI ${abi}, ${platform}-${arch}); ` +
    `this takes about a minute, once\n`,
)
mkdirSync(join(root, 'build', 'native'), { recursive: true })
const stage = mkdtempSync(join(root, 'build', 'native', '.stage-'))
try {
  // a private copy of the module's sources: node_modules is never touched
  const target = join(stage, 'node_modules', 'better-sqlite3')
  cpSync(moduleDir, target, {
    recursive: true,
    filter: (src) => !/[\\/](build|node_modules)([\\/]|$)/.test(src.slice(moduleDir.length)),
  })
  writeFileSync(join(stage, 'package.json'), JSON.stringify({ name: 'bq-native-stage', version: '0.0.0', private: true, dependencies: { 'better-sqlite3': moduleVersion } }))
  const { rebuild } = req('@electron/rebuild')
  // @electron/rebuild prints node-gyp's output through console.error: keep a copy to explain
  const printed = []
  const consoleError = console.error
  console.error = (...a) => {
    printed.push(a.map(String).join(' '))
    consoleError(...a)
  }
  try {
    await rebuild({ buildPath: stage, electronVersion, arch, onlyModules: ['better-sqlite3'], force: true, mode: 'sequential', buildFromSource: true, headerURL })
  } catch (err) {
    const text = String(err?.stack || err) + '\n' + printed.join('\n')
    const network = /network connectivity|ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|ECONNRESET|getaddrinfo|self.signed|certificate|status 40\d|socket hang up/i.test(text)
    fail([
      `Could not build better-sqlite3 ${moduleVersion} for Electron ${electronVersion}.`,
      network
        ? `Electron's headers could not be fetched from ${headerURL} (no internet access, or a proxy refused it).`
        : 'The native build failed (see the compiler output above).',
      'Without this build the desktop app cannot open its database (the Node build in node_modules has another ABI).',
      'Fix: run on a machine that can reach the headers URL, or set BQ_ELECTRON_HEADERS_URL to a mirror that',
      'serves vX.Y.Z/node-vX.Y.Z-headers.tar.gz, and run `npm start` (or this script) again.',
      `Needs a C++ toolchain: build-essential + python3 (Linux), Visual Studio Build Tools "Desktop C++" (Windows).`,
      `Cause: ${text.split('\n')[0]}`,
    ])
  } finally {
    console.error = consoleError
  }
  const built = join(target, 'build', 'Release', 'better_sqlite3.node')
  if (!existsSync(built)) fail([`node-gyp reported success but ${built} is missing.`])

  // The build must carry Electron's ABI. Node refuses to load it, naming its ABI; a build
  // that Node loads was made for Node (nodedir trap) and is refused here.
  const probe = spawnSync(process.execPath, ['-e', 'process.dlopen({ exports: {} }, process.argv[1])', built], { encoding: 'utf8' })
  const m = /NODE_MODULE_VERSION (\d+)/.exec(probe.stderr)
  if (probe.status === 0) {
    fail([
      "The build loads in Node: it was compiled against Node's headers, not Electron's",
      '(npm_config_nodedir set, or a headers mirror serving Node headers). Nothing was installed.',
    ])
  }
  if (!m || m[1] !== String(abi)) fail([`The build has ABI ${m ? m[1] : 'unknown'}, Electron ${electronVersion} needs ${abi}.`, probe.stderr.trim()])

  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  cpSync(built, binding)
  writeFileSync(
    infoFile,
    JSON.stringify({ module: 'better-sqlite3', moduleVersion, electron: electronVersion, abi: String(abi), platform, arch, builtAt: new Date().toISOString() }, null, 2) + '\n',
  )
  process.stdout.write(`rebuild-electron: wrote ${binding}\n`)
} catch (err) {
  report(err)
} finally {
  rmSync(stage, { recursive: true, force: true })
}
