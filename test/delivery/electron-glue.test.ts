/**
 * The Electron main process under a mocked `electron` (no binary here): the openExternal
 * allowlist, no DevTools in a packaged app, single instance, and how src/main/index.ts
 * picks the better-sqlite3 binding: a missing Electron build stops the app with a
 * translated message; a present one is what the backend opens the database with.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

const state = vi.hoisted(() => ({
  isPackaged: true,
  userData: '',
  appPath: '',
  opened: [] as string[],
  windows: [] as Array<{ options: { webPreferences: Record<string, unknown> }; handlers: Map<string, (...a: unknown[]) => void>; openHandler: ((d: { url: string }) => unknown) | null; closedDevTools: number }>,
  ipc: new Map<string, (...a: unknown[]) => unknown>(),
  errorBoxes: [] as Array<[string, string]>,
  exitCodes: [] as number[],
  appEvents: new Map<string, () => void>(),
  lock: true,
  quits: 0,
}))

vi.mock('electron', () => {
  class BrowserWindow {
    static getAllWindows = () => []
    webContents: Record<string, unknown>
    constructor(options: { webPreferences: Record<string, unknown> }) {
      const w = { options, handlers: new Map<string, (...a: unknown[]) => void>(), openHandler: null as ((d: { url: string }) => unknown) | null, closedDevTools: 0 }
      state.windows.push(w)
      this.webContents = {
        setWindowOpenHandler: (h: (d: { url: string }) => unknown) => (w.openHandler = h),
        on: (n: string, h: (...a: unknown[]) => void) => w.handlers.set(n, h),
        closeDevTools: () => (w.closedDevTools += 1),
      }
    }
    once() {}
    show() {}
    loadURL() {
      return Promise.resolve()
    }
  }
  return {
    app: {
      get isPackaged() {
        return state.isPackaged
      },
      getPath: (n: string) => (n === 'userData' ? state.userData : tmpdir()),
      getAppPath: () => state.appPath,
      requestSingleInstanceLock: () => state.lock,
      whenReady: () => Promise.resolve(),
      on: (n: string, f: () => void) => state.appEvents.set(n, f),
      quit: () => (state.quits += 1),
      exit: (code: number) => state.exitCodes.push(code),
    },
    BrowserWindow,
    dialog: { showErrorBox: (title: string, text: string) => state.errorBoxes.push([title, text]) },
    ipcMain: { handle: (c: string, f: (...a: unknown[]) => unknown) => state.ipc.set(c, f), removeHandler: (c: string) => state.ipc.delete(c) },
    protocol: { registerSchemesAsPrivileged: () => undefined, handle: () => undefined },
    net: { fetch: () => Promise.resolve(new Response('')) },
    shell: { openExternal: (u: string) => (state.opened.push(u), Promise.resolve()) },
  }
})

import { createMainWindow, isAllowedExternalUrl } from '../../src/main/electron/host'

const ELECTRON = '45.4.1'
let work: string
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'bq-glue-'))
  state.windows.length = 0
  state.opened.length = 0
  state.errorBoxes.length = 0
  state.exitCodes.length = 0
  state.ipc.clear()
  state.isPackaged = true
  state.lock = true
})
afterEach(() => rmSync(work, { recursive: true, force: true }))
afterAll(() => {
  delete (process.versions as Record<string, string>)['electron']
})

describe('shell.openExternal allowlist', () => {
  it.each([
    ['https://egov.kz/cms/ru', true],
    ['https://www.egov.kz/', true],
    ['https://pki.gov.kz/cert/', true],
    ['http://egov.kz/', false],
    ['https://egov.kz.evil.example/', false],
    ['https://evilegov.kz/', false],
    ['https://user:pw@egov.kz/', false],
    ['https://egov.kz:8443/', false],
    ['file:///etc/passwd', false],
    ['javascript:alert(1)', false],
    ['not a url', false],
  ])('%s → %s', (url, allowed) => {
    expect(isAllowedExternalUrl(url)).toBe(allowed)
  })

  it('the window hands only allowlisted links to the system browser and opens no window', () => {
    createMainWindow({ preloadPath: 'p' })
    const open = state.windows[0]!.openHandler!
    expect(open({ url: 'https://egov.kz/' })).toEqual({ action: 'deny' })
    expect(open({ url: 'https://evil.example/' })).toEqual({ action: 'deny' })
    expect(open({ url: 'http://egov.kz/' })).toEqual({ action: 'deny' })
    expect(state.opened).toEqual(['https://egov.kz/'])
  })
})

describe('DevTools', () => {
  it('are off in a packaged app even when asked for, and closed if opened anyway', () => {
    createMainWindow({ preloadPath: 'p', devTools: true })
    const w = state.windows[0]!
    expect(w.options.webPreferences['devTools']).toBe(false)
    w.handlers.get('devtools-opened')!()
    expect(w.closedDevTools).toBe(1)
  })

  it('are available in development', () => {
    state.isPackaged = false
    createMainWindow({ preloadPath: 'p' })
    expect(state.windows[0]!.options.webPreferences['devTools']).toBe(true)
    expect(state.windows[0]!.handlers.has('devtools-opened')).toBe(false)
  })
})

async function startMain(): Promise<void> {
  vi.resetModules()
  await import('../../src/main/index')
  await new Promise((r) => setTimeout(r, 50))
}

describe('src/main/index.ts under Electron', () => {
  beforeEach(() => {
    Object.defineProperty(process.versions, 'electron', { value: ELECTRON, configurable: true, enumerable: true })
    state.isPackaged = false
    state.userData = join(work, 'userData')
    state.appPath = join(work, 'app')
  })

  it('quits at once when another instance holds the lock', async () => {
    state.lock = false
    const before = state.quits
    await startMain()
    expect(state.quits).toBe(before + 1)
    expect(state.windows).toHaveLength(0)
  })

  it('without an Electron build of better-sqlite3, explains in Kazakh and Russian and exits', async () => {
    await startMain()
    expect(state.exitCodes).toEqual([1])
    expect(state.windows).toHaveLength(0)
    const [title, text] = state.errorBoxes[0]!
    expect(title).toBe('Balabaqsha')
    expect(text).toContain('Дерекқор модулі Electron үшін құрастырылмаған')
    expect(text).toContain('Модуль базы данных не собран для Electron')
    expect(text).toContain(join(state.appPath, 'build', 'native', `${process.platform}-${process.arch}`, 'better_sqlite3.node'))
    expect(readFileSync(join(state.userData, 'logs', 'workstation.log'), 'utf8')).toContain('"code":"native_module_missing"')
  })

  it('with a build for another Electron, says it is stale', async () => {
    const dir = join(state.appPath, 'build', 'native', `${process.platform}-${process.arch}`)
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'better_sqlite3.node'), 'x')
    writeFileSync(join(dir, 'build-info.json'), JSON.stringify({ electron: '44.0.0', moduleVersion: '12.11.1', platform: process.platform, arch: process.arch }))
    await startMain()
    expect(state.exitCodes).toEqual([1])
    expect(state.errorBoxes[0]![1]).toContain('electron 44.0.0')
  })

  it('loads exactly that file: a broken build is a translated "cannot open the database"', async () => {
    const dir = join(state.appPath, 'build', 'native', `${process.platform}-${process.arch}`)
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'better_sqlite3.node'), 'not a shared object')
    const moduleVersion = (JSON.parse(readFileSync(join('node_modules', 'better-sqlite3', 'package.json'), 'utf8')) as { version: string }).version
    writeFileSync(join(dir, 'build-info.json'), JSON.stringify({ module: 'better-sqlite3', moduleVersion, electron: ELECTRON, abi: '0', platform: process.platform, arch: process.arch, builtAt: '' }))
    await startMain()
    expect(state.exitCodes).toEqual([1])
    expect(state.windows).toHaveLength(0)
    expect(state.errorBoxes[0]![1]).toContain('Жергілікті дерекқорды ашу мүмкін болмады')
    expect(state.errorBoxes[0]![1]).toContain('Не удалось открыть локальную базу данных')
  })

  it('with the build in place, opens the database through it and serves IPC', async () => {
    const dir = join(state.appPath, 'build', 'native', `${process.platform}-${process.arch}`)
    mkdirSync(dir, { recursive: true })
    // the Node build stands in for Electron's: the point is which file the app loads
    cpSync(join('node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'), join(dir, 'better_sqlite3.node'))
    const moduleVersion = (JSON.parse(readFileSync(join('node_modules', 'better-sqlite3', 'package.json'), 'utf8')) as { version: string }).version
    writeFileSync(join(dir, 'build-info.json'), JSON.stringify({ module: 'better-sqlite3', moduleVersion, electron: ELECTRON, abi: '0', platform: process.platform, arch: process.arch, builtAt: '' }))
    await startMain()
    expect(state.exitCodes).toEqual([])
    expect(state.windows).toHaveLength(1)
    const invoke = state.ipc.get('bq:invoke')!
    const about = (await invoke({ senderFrame: { url: 'app://workstation/index.html', parent: null } }, 'app.about', {})) as { ok: boolean; value: { databasePath: string } }
    expect(about.ok).toBe(true)
    expect(about.value.databasePath).toBe(join(state.userData, 'workstation.sqlite'))
    const log = readFileSync(join(state.userData, 'logs', 'workstation.log'), 'utf8')
    expect(log).toContain('"binding":"electron"')
    state.appEvents.get('window-all-closed')!()
    await new Promise((r) => setTimeout(r, 50))
  })
})
