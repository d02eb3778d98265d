/**
 * Which better-sqlite3 binding the app loads: Node's own build under plain Node (npm test,
 * CLI, web host), the Electron build from build/native/<platform>-<arch> in development,
 * and from <resources>/native when packaged; a missing or stale build is reported, never
 * loaded.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  betterSqliteVersion,
  chooseSqliteBinding,
  type BindingQuery,
  type NativeBuildInfo,
} from '../../src/main/native'
import { openLocalDatabase } from '../../src/main/db/open'

const info = (over: Partial<NativeBuildInfo> = {}): NativeBuildInfo => ({
  module: 'better-sqlite3',
  moduleVersion: '12.11.1',
  electron: '45.4.1',
  abi: '140',
  platform: 'linux',
  arch: 'x64',
  builtAt: '2026-11-22T00:00:00Z',
  ...over,
})

function query(files: Record<string, NativeBuildInfo | true>, over: Partial<BindingQuery> = {}): BindingQuery {
  return {
    isElectron: true,
    isPackaged: false,
    resourcesPath: '/opt/Balabaqsha Workstation/resources',
    appRoot: '/src/bq',
    electronVersion: '45.4.1',
    moduleVersion: '12.11.1',
    platform: 'linux',
    arch: 'x64',
    exists: (p) => p in files,
    readInfo: (p) => {
      const v = files[p]
      return v && v !== true ? v : null
    },
    ...over,
  }
}

const DEV = '/src/bq/build/native/linux-x64'
const PKG = '/opt/Balabaqsha Workstation/resources/native'

describe('chooseSqliteBinding', () => {
  const cases: Array<[string, BindingQuery, ReturnType<typeof chooseSqliteBinding>]> = [
    ['plain Node (npm test, CLI, web host) uses better-sqlite3 as installed', query({}, { isElectron: false }), { kind: 'node' }],
    [
      'plain Node ignores an Electron build lying around',
      query({ [`${DEV}/better_sqlite3.node`]: true, [`${DEV}/build-info.json`]: info() }, { isElectron: false }),
      { kind: 'node' },
    ],
    [
      'electron in development: the build under build/native/<platform>-<arch>',
      query({ [`${DEV}/better_sqlite3.node`]: true, [`${DEV}/build-info.json`]: info() }),
      { kind: 'electron', path: `${DEV}/better_sqlite3.node` },
    ],
    [
      'packaged: <resources>/native, never the project folder',
      query(
        { [`${PKG}/better_sqlite3.node`]: true, [`${PKG}/build-info.json`]: info(), [`${DEV}/better_sqlite3.node`]: true },
        { isPackaged: true },
      ),
      { kind: 'electron', path: `${PKG}/better_sqlite3.node` },
    ],
    [
      'windows packaged',
      query(
        { [join('C:/Program Files/Balabaqsha/resources', 'native', 'better_sqlite3.node')]: true, [join('C:/Program Files/Balabaqsha/resources', 'native', 'build-info.json')]: info({ platform: 'win32' }) },
        { isPackaged: true, resourcesPath: 'C:/Program Files/Balabaqsha/resources', platform: 'win32' },
      ),
      { kind: 'electron', path: join('C:/Program Files/Balabaqsha/resources', 'native', 'better_sqlite3.node') },
    ],
    ['no build yet: missing, with the expected path', query({}), { kind: 'missing', expected: `${DEV}/better_sqlite3.node` }],
    [
      'built for another Electron: stale',
      query({ [`${DEV}/better_sqlite3.node`]: true, [`${DEV}/build-info.json`]: info({ electron: '44.0.0' }) }),
      {
        kind: 'stale',
        path: `${DEV}/better_sqlite3.node`,
        found: 'electron 44.0.0, better-sqlite3 12.11.1, linux-x64',
        wanted: 'electron 45.4.1, better-sqlite3 12.11.1, linux-x64',
      },
    ],
    [
      'built for another better-sqlite3: stale',
      query({ [`${DEV}/better_sqlite3.node`]: true, [`${DEV}/build-info.json`]: info({ moduleVersion: '12.10.0' }) }),
      {
        kind: 'stale',
        path: `${DEV}/better_sqlite3.node`,
        found: 'electron 45.4.1, better-sqlite3 12.10.0, linux-x64',
        wanted: 'electron 45.4.1, better-sqlite3 12.11.1, linux-x64',
      },
    ],
    [
      'a binding without build-info is not trusted',
      query({ [`${DEV}/better_sqlite3.node`]: true }),
      { kind: 'stale', path: `${DEV}/better_sqlite3.node`, found: 'unknown', wanted: 'electron 45.4.1, better-sqlite3 12.11.1, linux-x64' },
    ],
  ]
  it.each(cases)('%s', (_name, q, expected) => {
    expect(chooseSqliteBinding(q)).toEqual(expected)
  })

  it('reads the installed better-sqlite3 version', () => {
    expect(betterSqliteVersion()).toMatch(/^12\.\d+\.\d+$/)
  })
})

describe('nativeBinding reaches better-sqlite3', () => {
  it('opens the database through an explicit binding path (the Node build stands in for Electron’s)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bq-native-'))
    const nodeBuild = join(require.resolve('better-sqlite3/package.json'), '..', 'build', 'Release', 'better_sqlite3.node')
    const db = openLocalDatabase(join(dir, 'w.sqlite'), { nativeBinding: nodeBuild })
    expect(db.sqlite.pragma('journal_mode', { simple: true })).toBe('wal')
    void db.close()
    // a wrong path is a translated failure, not a crash
    expect(() => openLocalDatabase(join(dir, 'x.sqlite'), { nativeBinding: join(dir, 'nope.node') })).toThrow('db_open_failed')
    rmSync(dir, { recursive: true, force: true })
  })

  it('the rebuild script targets the same folder the app looks in', () => {
    const out = execFileSync(process.execPath, ['scripts/rebuild-electron.mjs', '--print-target'], { encoding: 'utf8' })
    const target = JSON.parse(out) as { dir: string; electron: string; moduleVersion: string }
    expect(target.dir).toBe(join(process.cwd(), 'build', 'native', `${process.platform}-${process.arch}`))
    expect(target.moduleVersion).toBe(betterSqliteVersion())
    expect(target.electron).toBe('45.4.1')
  })

  it('explains plainly when Electron headers cannot be fetched, ignores npm nodedir, and leaves node_modules alone', () => {
    const nodeBuild = join(require.resolve('better-sqlite3/package.json'), '..', 'build', 'Release', 'better_sqlite3.node')
    const before = statSync(nodeBuild).mtimeMs
    // a headers URL nobody serves; npm_config_nodedir=/usr is this machine's trap (a silent
    // Node build); a fresh HOME so no headers cached in ~/.electron-gyp by an earlier build apply
    const home = mkdtempSync(join(tmpdir(), 'bq-home-'))
    const r = spawnSync(process.execPath, ['scripts/rebuild-electron.mjs', '--force'], {
      encoding: 'utf8',
      env: { ...process.env, HOME: home, USERPROFILE: home, BQ_ELECTRON_HEADERS_URL: 'http://127.0.0.1:9/', npm_config_nodedir: '/usr' },
      timeout: 120_000,
    })
    rmSync(home, { recursive: true, force: true })
    expect(r.status).toBe(1)
    expect(r.stderr).toContain('rebuild-electron: FAILED')
    expect(r.stderr).toContain("Electron's headers could not be fetched from http://127.0.0.1:9/")
    expect(r.stderr).toContain('BQ_ELECTRON_HEADERS_URL')
    expect(statSync(nodeBuild).mtimeMs).toBe(before)
    expect(readdirSync(join('build', 'native')).filter((f) => f.startsWith('.stage-'))).toEqual([])
  })
})
