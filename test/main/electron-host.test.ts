/**
 * The Electron glue under a mocked `electron` module (the binary cannot run on build
 * machines): window security options, navigation and window.open denial, and refusal of
 * IPC calls from foreign frames.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'

const state = vi.hoisted(() => ({
  windows: [] as FakeWindow[],
  ipcHandlers: new Map<string, (...args: unknown[]) => unknown>(),
  schemes: [] as unknown[],
  protocolHandlers: new Map<string, (req: Request) => Promise<Response>>(),
  opened: [] as string[],
  userData: '',
  appEvents: new Map<string, () => void>(),
}))

interface FakeWindow {
  options: { webPreferences: Record<string, unknown> }
  loaded: string | null
  handlers: Map<string, (...args: unknown[]) => void>
  windowOpenHandler: ((d: { url: string }) => { action: string }) | null
  sent: unknown[]
}

vi.mock('electron', () => {
  class BrowserWindow {
    static getAllWindows = () => state.windows.map((w) => ({ webContents: { getURL: () => w.loaded ?? '', send: (_c: string, m: unknown) => w.sent.push(m) } }))
    fake: FakeWindow
    webContents: Record<string, unknown>
    constructor(options: FakeWindow['options']) {
      const fake: FakeWindow = { options, loaded: null, handlers: new Map(), windowOpenHandler: null, sent: [] }
      this.fake = fake
      state.windows.push(fake)
      this.webContents = {
        setWindowOpenHandler: (h: FakeWindow['windowOpenHandler']) => (fake.windowOpenHandler = h),
        on: (name: string, h: (...a: unknown[]) => void) => fake.handlers.set(name, h),
      }
    }
    once() {}
    show() {}
    loadURL(url: string) {
      this.fake.loaded = url
      return Promise.resolve()
    }
  }
  return {
    app: {
      isPackaged: true,
      getPath: () => state.userData,
      requestSingleInstanceLock: () => true,
      whenReady: () => Promise.resolve(),
      on: (name: string, fn: () => void) => state.appEvents.set(name, fn),
      quit: () => undefined,
    },
    BrowserWindow,
    ipcMain: {
      handle: (ch: string, fn: (...a: unknown[]) => unknown) => state.ipcHandlers.set(ch, fn),
      removeHandler: (ch: string) => state.ipcHandlers.delete(ch),
    },
    protocol: {
      registerSchemesAsPrivileged: (s: unknown[]) => state.schemes.push(...s),
      handle: (scheme: string, fn: (req: Request) => Promise<Response>) => state.protocolHandlers.set(scheme, fn),
    },
    net: {
      // Electron's net.fetch reads file:// URLs; plain Node's fetch does not
      fetch: async (url: string) => {
        const { readFile } = await import('node:fs/promises')
        const { fileURLToPath } = await import('node:url')
        try {
          return new Response(await readFile(fileURLToPath(url)), { status: 200, headers: { 'content-type': 'text/html' } })
        } catch {
          return new Response('not found', { status: 404 })
        }
      },
    },
    shell: { openExternal: (url: string) => (state.opened.push(url), Promise.resolve()) },
  }
})

import {
  APP_ORIGIN,
  INVOKE_CHANNEL,
  createMainWindow,
  registerAppScheme,
  registerIpc,
  serveRenderer,
} from '../../src/main/electron/host'
import { createBackend, type Backend } from '../../src/main/backend'
import { hostInfo } from '../../src/main/host-info'

let profile: string
let backend: Backend
beforeAll(() => {
  profile = mkdtempSync(join(tmpdir(), 'bq-electron-test-'))
  backend = createBackend({ profileDir: profile, host: hostInfo('electron') })
})
afterAll(async () => {
  await backend.close()
  rmSync(profile, { recursive: true, force: true })
})
beforeEach(() => {
  state.windows.length = 0
})

describe('main window', () => {
  it('is created with the hardened web preferences and loads app://', () => {
    createMainWindow({ preloadPath: '/app/out/preload/index.js' })
    const win = state.windows[0]!
    expect(win.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      devTools: false,
      preload: '/app/out/preload/index.js',
    })
    expect(win.loaded).toBe(`${APP_ORIGIN}/index.html`)
  })

  it('denies window.open, and only hands https links to the system browser', () => {
    createMainWindow({ preloadPath: 'p' })
    const win = state.windows[0]!
    expect(win.windowOpenHandler!({ url: 'https://egov.kz/' })).toEqual({ action: 'deny' })
    expect(win.windowOpenHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' })
    expect(state.opened).toEqual(['https://egov.kz/'])
  })

  it('prevents navigation away from the app origin', () => {
    createMainWindow({ preloadPath: 'p' })
    const navigate = state.windows[0]!.handlers.get('will-navigate')!
    const foreign = { preventDefault: vi.fn() }
    navigate(foreign, 'https://evil.example/')
    expect(foreign.preventDefault).toHaveBeenCalled()
    const own = { preventDefault: vi.fn() }
    navigate(own, `${APP_ORIGIN}/index.html#/about`)
    expect(own.preventDefault).not.toHaveBeenCalled()
    const webview = { preventDefault: vi.fn() }
    state.windows[0]!.handlers.get('will-attach-webview')!(webview)
    expect(webview.preventDefault).toHaveBeenCalled()
  })
})

describe('IPC', () => {
  it('serves our own frame and rejects a foreign or child frame', async () => {
    const stop = registerIpc(backend)
    const handler = state.ipcHandlers.get(INVOKE_CHANNEL)!
    const own = { senderFrame: { url: `${APP_ORIGIN}/index.html`, parent: null } }
    const ok = (await handler(own, 'settings.get', {})) as { ok: boolean; value: { language: string } }
    expect(ok.ok).toBe(true)
    expect(ok.value.language).toBe('kk')

    const foreign = { senderFrame: { url: 'https://evil.example/', parent: null } }
    expect(await handler(foreign, 'settings.get', {})).toEqual({ ok: false, error: { code: 'forbidden_sender' } })
    const child = { senderFrame: { url: `${APP_ORIGIN}/index.html`, parent: {} } }
    expect(await handler(child, 'settings.get', {})).toEqual({ ok: false, error: { code: 'forbidden_sender' } })
    const noFrame = { senderFrame: null }
    expect(await handler(noFrame, 'settings.get', {})).toEqual({ ok: false, error: { code: 'forbidden_sender' } })
    stop()
    expect(state.ipcHandlers.has(INVOKE_CHANNEL)).toBe(false)
  })
})

describe('app:// protocol', () => {
  it('is privileged, serves the renderer with the CSP and never leaves its folder', async () => {
    registerAppScheme()
    expect(state.schemes).toContainEqual({ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } })
    const dir = mkdtempSync(join(tmpdir(), 'bq-renderer-'))
    const { writeFileSync } = await import('node:fs')
    writeFileSync(join(dir, 'index.html'), '<html></html>')
    serveRenderer(dir)
    const handle = state.protocolHandlers.get('app')!
    const res = await handle(new Request(`${APP_ORIGIN}/index.html`))
    expect(res.status).toBe(200)
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'")
    // scripts and the pdf.js worker (.mjs) go out as JavaScript whatever file:// said
    writeFileSync(join(dir, 'pdf.worker.min-x.mjs'), 'export {}')
    const worker = await handle(new Request(`${APP_ORIGIN}/pdf.worker.min-x.mjs`))
    expect(worker.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(worker.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('content-type')).toBe('text/html')
    expect((await handle(new Request(`${APP_ORIGIN}/..%2f..%2fetc%2fpasswd`))).status).toBe(404)
    expect((await handle(new Request('app://other/index.html'))).status).toBe(404)
    rmSync(dir, { recursive: true, force: true })
  })
})

describe('the main module (src/main/index.ts)', () => {
  it('on start registers app://, opens one hardened window over the user-data profile and serves IPC', async () => {
    state.userData = mkdtempSync(join(tmpdir(), 'bq-userdata-'))
    state.schemes.length = 0
    state.ipcHandlers.clear()
    await import('../../src/main/index')
    await new Promise((r) => setTimeout(r, 50))
    expect(state.schemes).toHaveLength(1)
    expect(state.protocolHandlers.has('app')).toBe(true)
    expect(state.windows).toHaveLength(1)
    expect(state.windows[0]!.options.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false })
    expect(state.windows[0]!.loaded).toBe(`${APP_ORIGIN}/index.html`)
    const handler = state.ipcHandlers.get(INVOKE_CHANNEL)!
    const about = (await handler({ senderFrame: { url: `${APP_ORIGIN}/index.html`, parent: null } }, 'app.about', {})) as {
      ok: boolean
      value: { host: string; databasePath: string }
    }
    expect(about.ok).toBe(true)
    expect(about.value.host).toBe('electron')
    expect(about.value.databasePath).toBe(join(state.userData, 'workstation.sqlite'))
    expect(await handler({ senderFrame: { url: 'https://evil.example/', parent: null } }, 'app.about', {})).toEqual({
      ok: false,
      error: { code: 'forbidden_sender' },
    })
    state.appEvents.get('window-all-closed')!()
    await new Promise((r) => setTimeout(r, 50))
    rmSync(state.userData, { recursive: true, force: true })
  })
})
