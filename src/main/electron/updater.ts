/**
 * The desktop capability of the Electron host: updates through electron-updater from the
 * central store's generic feed, and the native "save as" dialog.
 *
 * - nothing downloads by itself (`autoDownload` off): the user sees "version X is
 *   available", starts the download, watches its progress, and chooses when to restart;
 * - nothing installs behind the user's back (`autoInstallOnAppQuit` off);
 * - electron-updater checks the sha512 of every download against the feed's
 *   `latest*.yml`, and on Windows the installer's Authenticode signature against the
 *   publisher of the running build (`publisherName` in app-update.yml, written by
 *   electron-builder when the build is signed);
 * - no downgrades, no pre-releases, no web installer.
 */
import { join } from 'node:path'
import { app, BrowserWindow, dialog } from 'electron'
import type { AppUpdater, ProgressInfo } from 'electron-updater'
import type { Logger } from '../log'
import type { DesktopCapability } from '../updater'
import { AppError } from '../../core/result'

export interface ElectronDesktopOptions {
  /** the electron-updater instance; default: `autoUpdater` (created on first use) */
  updater?: () => AppUpdater
  log: Logger
}

function defaultUpdater(): AppUpdater {
  // required lazily: creating `autoUpdater` reads the packaged app's app-update.yml
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('electron-updater') as typeof import('electron-updater')).autoUpdater
}

/** The settings every updater instance gets, whichever platform class it is. */
export function configureUpdater(updater: AppUpdater, log: Logger): AppUpdater {
  updater.autoDownload = false
  updater.autoInstallOnAppQuit = false
  updater.autoRunAppAfterInstall = true
  updater.allowDowngrade = false
  updater.allowPrerelease = false
  updater.fullChangelog = false
  updater.forceDevUpdateConfig = false
  updater.disableWebInstaller = true
  updater.logger = {
    info: (m?: unknown) => log.log('info', `updater: ${String(m)}`),
    warn: (m?: unknown) => log.log('warn', `updater: ${String(m)}`),
    error: (m?: unknown) => log.log('error', `updater: ${String(m)}`),
    debug: () => undefined,
  }
  return updater
}

export function createElectronDesktop(options: ElectronDesktopOptions): DesktopCapability {
  let instance: AppUpdater | null = null
  let feed: string | null = null
  let found: string | null = null
  let downloaded: string | null = null
  const updater = () => (instance ??= configureUpdater((options.updater ?? defaultUpdater)(), options.log))

  return {
    async checkForUpdates(feedUrl) {
      const u = updater()
      if (feed !== feedUrl) {
        u.setFeedURL({ provider: 'generic', url: feedUrl })
        feed = feedUrl
      }
      const result = await u.checkForUpdates()
      // null: updates are disabled (a development run, not a packaged app)
      if (!result) return { available: false, version: null, releaseDate: null }
      found = result.isUpdateAvailable ? result.updateInfo.version : null
      return {
        available: result.isUpdateAvailable,
        version: result.updateInfo.version,
        releaseDate: result.updateInfo.releaseDate ?? null,
      }
    },
    async downloadUpdate(onProgress) {
      if (!found) throw new AppError('update_not_downloaded')
      const u = updater()
      const listener = (p: ProgressInfo) => onProgress(p)
      u.on('download-progress', listener)
      try {
        await u.downloadUpdate()
      } finally {
        u.off('download-progress', listener)
      }
      downloaded = found
      return { version: found }
    },
    quitAndInstall() {
      // only a verified, completely downloaded update is installed
      if (!downloaded) throw new AppError('update_not_downloaded')
      const u = updater()
      // let the IPC reply reach the renderer before the windows close
      setImmediate(() => u.quitAndInstall(false, true))
    },
    async chooseSavePath(defaultName) {
      const win = BrowserWindow.getAllWindows()[0]
      const opts = {
        defaultPath: join(app.getPath('downloads'), defaultName),
        filters: [{ name: 'Zip', extensions: ['zip'] }],
      }
      const r = win ? await dialog.showSaveDialog(win, opts) : await dialog.showSaveDialog(opts)
      return r.canceled || !r.filePath ? null : r.filePath
    },
  }
}
