/**
 * Which better-sqlite3 native binding to load.
 *
 * better-sqlite3 is not N-API: a binding is built for one ABI. `npm install` builds it for
 * Node (used by `npm test`, the CLI and the web host); the Electron app needs one built for
 * Electron's ABI. `scripts/rebuild-electron.mjs` (run by `npm start` and `npm run dist`)
 * builds that one into its own folder, `build/native/<platform>-<arch>/`, with a
 * `build-info.json`, and never touches node_modules, so nothing is rebuilt back and forth.
 * electron-builder copies the folder to `<resources>/native/` of the packaged app.
 *
 * pkcs11js is N-API: its one build serves both runtimes.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import betterSqlitePkg from 'better-sqlite3/package.json'

export const BINDING_FILE = 'better_sqlite3.node'
export const BUILD_INFO_FILE = 'build-info.json'

export interface NativeBuildInfo {
  module: 'better-sqlite3'
  moduleVersion: string
  electron: string
  abi: string
  platform: string
  arch: string
  builtAt: string
}

export interface BindingQuery {
  /** running inside Electron (process.versions.electron is set) */
  isElectron: boolean
  isPackaged: boolean
  /** process.resourcesPath (packaged app) */
  resourcesPath: string
  /** app.getAppPath() in development: the project folder */
  appRoot: string
  /** process.versions.electron */
  electronVersion: string | undefined
  /** better-sqlite3's package version (the JS half must match the binding) */
  moduleVersion: string
  platform: string
  arch: string
  exists(path: string): boolean
  readInfo(path: string): NativeBuildInfo | null
}

export type BindingChoice =
  /** plain Node: better-sqlite3's own build from node_modules */
  | { kind: 'node' }
  | { kind: 'electron'; path: string }
  | { kind: 'missing'; expected: string }
  | { kind: 'stale'; path: string; found: string; wanted: string }

/** `build/native/<platform>-<arch>` under the project (what the rebuild script writes). */
export function devNativeDir(appRoot: string, platform: string, arch: string): string {
  return join(appRoot, 'build', 'native', `${platform}-${arch}`)
}

/** `<resources>/native` in a packaged app (electron-builder's extraResources). */
export function packagedNativeDir(resourcesPath: string): string {
  return join(resourcesPath, 'native')
}

export function chooseSqliteBinding(q: BindingQuery): BindingChoice {
  if (!q.isElectron) return { kind: 'node' }
  const dir = q.isPackaged ? packagedNativeDir(q.resourcesPath) : devNativeDir(q.appRoot, q.platform, q.arch)
  const path = join(dir, BINDING_FILE)
  if (!q.exists(path)) return { kind: 'missing', expected: path }
  const info = q.readInfo(join(dir, BUILD_INFO_FILE))
  const wanted = `electron ${q.electronVersion ?? '?'}, better-sqlite3 ${q.moduleVersion}, ${q.platform}-${q.arch}`
  if (!info) return { kind: 'stale', path, found: 'unknown', wanted }
  const found = `electron ${info.electron}, better-sqlite3 ${info.moduleVersion}, ${info.platform}-${info.arch}`
  if (
    info.electron !== q.electronVersion ||
    info.moduleVersion !== q.moduleVersion ||
    info.platform !== q.platform ||
    info.arch !== q.arch
  ) {
    return { kind: 'stale', path, found, wanted }
  }
  return { kind: 'electron', path }
}

export function readBuildInfo(path: string): NativeBuildInfo | null {
  try {
    const info = JSON.parse(readFileSync(path, 'utf8')) as Partial<NativeBuildInfo>
    if (typeof info.electron !== 'string' || typeof info.moduleVersion !== 'string') return null
    return info as NativeBuildInfo
  } catch {
    return null
  }
}

/** better-sqlite3's version (its JS half, which must match the binding). */
export function betterSqliteVersion(): string {
  return betterSqlitePkg.version
}

/** The real query for this process (Electron main passes app.isPackaged and app.getAppPath()). */
export function currentBindingQuery(isPackaged: boolean, appRoot: string): BindingQuery {
  return {
    isElectron: typeof process.versions.electron === 'string',
    isPackaged,
    resourcesPath: (process as { resourcesPath?: string }).resourcesPath ?? '',
    appRoot,
    electronVersion: process.versions.electron,
    moduleVersion: betterSqliteVersion(),
    platform: process.platform,
    arch: process.arch,
    exists: existsSync,
    readInfo: readBuildInfo,
  }
}
