/** Electron main process entry: tiny glue around the handler table. */
import { join } from 'node:path'
import { app, BrowserWindow, dialog } from 'electron'
import { createBackend } from './backend'
import { hostInfo } from './host-info'
import { createMainWindow, registerAppScheme, registerIpc, serveRenderer } from './electron/host'
import { createElectronDesktop } from './electron/updater'
import { createProfileLogger } from './log'
import { chooseSqliteBinding, currentBindingQuery, type BindingChoice } from './native'
import { formatViolation } from '../core/messages'
import { AppError, type Violation } from '../core/result'
import type { DemoStore } from './demo'
import { shippedTrustDir } from './paths'

registerAppScheme()

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  const devUrl = process.env['ELECTRON_RENDERER_URL']
  app.on('second-instance', () => {
    const win = BrowserWindow.getAllWindows()[0]
    if (win) {
      if (win.isMinimized()) win.restore()
      win.focus()
    }
  })
  // `npm start` passes --demo: an embedded central store with the demo city and keys
  // (src/main/demo.ts). Never in a packaged app: the demo CA's keys are public.
  const demoMode = process.argv.includes('--demo') && !app.isPackaged
  let demo: DemoStore | null = null
  void app.whenReady().then(async () => {
    const profileDir = app.getPath('userData')
    const log = createProfileLogger(profileDir) // <userData>/logs, rotated
    const host = hostInfo('electron')
    // better-sqlite3 built for Electron's ABI (src/main/native.ts); plain Node keeps its own
    const binding: BindingChoice = process.versions.electron
      ? chooseSqliteBinding(currentBindingQuery(app.isPackaged, app.getAppPath()))
      : { kind: 'node' }
    log.log('info', 'app start', { version: host.appVersion, versions: host.versions, platform: process.platform, binding: binding.kind })
    if (binding.kind === 'missing' || binding.kind === 'stale') {
      const v: Violation =
        binding.kind === 'missing'
          ? { code: 'native_module_missing', params: { expected: binding.expected } }
          : { code: 'native_module_stale', params: { found: binding.found, wanted: binding.wanted } }
      log.log('error', 'native module unusable', { code: v.code, ...v.params })
      dialog.showErrorBox('Balabaqsha', `${formatViolation(v, 'kk')}\n\n${formatViolation(v, 'ru')}`)
      app.exit(1)
      return
    }
    if (demoMode) {
      // loaded only in demo mode: the packaged app ships no central store
      const { demoSignInHint, startDemoStore } = await import('./demo')
      const scale = Number(process.env['BQ_DEMO_SCALE'] ?? '') || undefined
      demo = await startDemoStore({ dir: join(profileDir, 'demo'), ...(scale ? { scale } : {}), log: (line) => log.log('info', line) })
      process.stdout.write(`central store (demo): ${demo.url}\n${demoSignInHint(demo)}\n`)
    }
    let backend: ReturnType<typeof createBackend>
    try {
      backend = createBackend({
        profileDir,
        host,
        log,
        ...(demo ? { trustDirs: [shippedTrustDir(), join(profileDir, 'trust'), join(demo.keysDir, demo.manifest.ca.trustDir)] } : {}),
        desktop: createElectronDesktop({ log }),
        ...(binding.kind === 'electron' ? { nativeBinding: binding.path } : {}),
      })
    } catch (err) {
      // e.g. db_newer_version, db_open_failed: say so instead of showing no window
      const v: Violation = err instanceof AppError ? err.toViolation() : { code: 'internal' }
      log.log('error', 'backend failed to open', { code: v.code, ...v.params, error: err instanceof Error ? err.message : String(err) })
      dialog.showErrorBox('Balabaqsha', `${formatViolation(v, 'kk')}\n\n${formatViolation(v, 'ru')}`)
      app.exit(1)
      return
    }
    if (demo) await backend.invoke('settings.update', { serverUrl: demo.url })
    serveRenderer(join(__dirname, '../renderer'))
    registerIpc(backend, devUrl)
    const open = () => createMainWindow({ preloadPath: join(__dirname, '../preload/index.js'), devUrl })
    open()
    // one quiet look at the update feed after start; the UI shows a banner when one exists
    if (app.isPackaged) {
      setTimeout(() => void backend.invoke('update.check', {}).catch(() => undefined), 15_000).unref()
    }
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) open()
    })
    app.on('window-all-closed', () => {
      void backend
        .close()
        .then(() => demo?.close())
        .finally(() => app.quit())
    })
  })
}
