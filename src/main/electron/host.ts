/**
 * Electron glue: the only module that touches `ipcMain`, `BrowserWindow` and `protocol`.
 * Everything it serves comes from the handler table (../backend.ts).
 */
import { join, normalize, sep } from 'node:path'
import { pathToFileURL } from 'node:url'
import {
  app,
  BrowserWindow,
  ipcMain,
  net,
  protocol,
  shell,
  type IpcMainInvokeEvent,
  type WebFrameMain,
} from 'electron'
import type { Backend } from '../backend'
import { CONTENT_SECURITY_POLICY } from '../security'
import { EVENT_CHANNEL, INVOKE_CHANNEL } from '../api/channels'

export { EVENT_CHANNEL, INVOKE_CHANNEL }

export const APP_SCHEME = 'app'
export const APP_HOST = 'workstation'
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`

/** Must run before the app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ])
}

/** Serve the built renderer from `app://workstation/`, never leaving `rendererDir`. */
export function serveRenderer(rendererDir: string): void {
  const root = normalize(rendererDir)
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url)
    if (url.host !== APP_HOST) return new Response('not found', { status: 404 })
    const rel = normalize(decodeURIComponent(url.pathname)).replace(/^([/\\])+/, '') || 'index.html'
    const file = join(root, rel)
    if (!file.startsWith(root + sep)) return new Response('not found', { status: 404 })
    const response = await net.fetch(pathToFileURL(file).toString())
    const headers = new Headers(response.headers)
    // scripts and pdf.js's module worker (assets/pdf.worker.min-*.mjs) run only when sent
    // as JavaScript (nosniff below); the file:// type comes from the OS, which may not
    // know .mjs (Windows' registry), so it is set here
    if (/\.m?js$/.test(file)) headers.set('content-type', 'text/javascript; charset=utf-8')
    headers.set('content-security-policy', CONTENT_SECURITY_POLICY)
    headers.set('x-content-type-options', 'nosniff')
    return new Response(response.body, { status: response.status, headers })
  })
}

export const WINDOW_WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  navigateOnDragDrop: false,
  spellcheck: false,
} as const

/** Is this URL one our own renderer may have? (app:// in production, the dev server in dev) */
export function isTrustedUrl(raw: string | undefined, devUrl?: string): boolean {
  if (!raw) return false
  try {
    const url = new URL(raw)
    if (url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST) return true
    if (devUrl && !app.isPackaged) return url.origin === new URL(devUrl).origin
  } catch {
    return false
  }
  return false
}

export function isTrustedSender(frame: WebFrameMain | null | undefined, devUrl?: string): boolean {
  // only the top-level frame of our own window may call the backend
  return !!frame && frame.parent === null && isTrustedUrl(frame.url, devUrl)
}

/**
 * Sites the system browser may be asked to open (a link with target=_blank or
 * window.open): https only, these hosts and their subdomains, no credentials, default port.
 * Everything else is refused silently.
 */
export const EXTERNAL_ALLOWLIST: readonly string[] = ['egov.kz', 'pki.gov.kz', 'edu.gov.kz', 'balabaqsha.kz']

export function isAllowedExternalUrl(raw: string, allowlist: readonly string[] = EXTERNAL_ALLOWLIST): boolean {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return false
  }
  if (url.protocol !== 'https:' || url.username !== '' || url.password !== '' || url.port !== '') return false
  const host = url.hostname.toLowerCase()
  return allowlist.some((allowed) => host === allowed || host.endsWith(`.${allowed}`))
}

export interface WindowOptions {
  preloadPath: string
  devUrl?: string
  devTools?: boolean
}

export function createMainWindow(options: WindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    width: 1360,
    height: 860,
    minWidth: 1024,
    minHeight: 640,
    show: false,
    title: 'Balabaqsha',
    autoHideMenuBar: true,
    // DevTools never in a packaged app, whatever the caller asks
    webPreferences: { ...WINDOW_WEB_PREFERENCES, preload: options.preloadPath, devTools: !app.isPackaged && (options.devTools ?? true) },
  })
  const contents = win.webContents
  // no new windows: external links open in the system browser only for allowlisted https sites
  contents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternalUrl(url)) void shell.openExternal(url)
    return { action: 'deny' }
  })
  if (app.isPackaged) contents.on('devtools-opened', () => contents.closeDevTools())
  contents.on('will-navigate', (event, url) => {
    if (!isTrustedUrl(url, options.devUrl)) event.preventDefault()
  })
  contents.on('will-redirect', (event, url) => {
    if (!isTrustedUrl(url, options.devUrl)) event.preventDefault()
  })
  contents.on('will-attach-webview', (event) => event.preventDefault())
  win.once('ready-to-show', () => win.show())
  void win.loadURL(options.devUrl && !app.isPackaged ? options.devUrl : `${APP_ORIGIN}/index.html`)
  return win
}

/** Route `api.invoke` calls to the backend, refusing any frame but our own renderer. */
export function registerIpc(backend: Backend, devUrl?: string): () => void {
  ipcMain.handle(INVOKE_CHANNEL, async (event: IpcMainInvokeEvent, name: unknown, args: unknown) => {
    if (!isTrustedSender(event.senderFrame, devUrl)) return { ok: false, error: { code: 'forbidden_sender' } }
    return backend.invoke(typeof name === 'string' ? name : '', args)
  })
  const unsubscribe = backend.on((event, payload) => {
    for (const win of BrowserWindow.getAllWindows()) {
      if (isTrustedUrl(win.webContents.getURL(), devUrl)) win.webContents.send(EVENT_CHANNEL, { event, payload })
    }
  })
  return () => {
    unsubscribe()
    ipcMain.removeHandler(INVOKE_CHANNEL)
  }
}
