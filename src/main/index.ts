/** Electron main process entry: tiny glue around the handler table. */
import { join } from 'node:path'
import { app, BrowserWindow } from 'electron'
import { createBackend } from './backend'
import { hostInfo } from './host-info'
import { createMainWindow, registerAppScheme, registerIpc, serveRenderer } from './electron/host'

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
  void app.whenReady().then(() => {
    const backend = createBackend({ profileDir: app.getPath('userData'), host: hostInfo('electron') })
    serveRenderer(join(__dirname, '../renderer'))
    registerIpc(backend, devUrl)
    const open = () => createMainWindow({ preloadPath: join(__dirname, '../preload/index.js'), devUrl })
    open()
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) open()
    })
    app.on('window-all-closed', () => {
      void backend.close().finally(() => app.quit())
    })
  })
}
