import { AppError } from '../../core/result'
import type { Handler } from '../backend'
import { normaliseProgress, updateErrorCode, updateFeedUrl } from '../updater'
import { readSettings } from './settings'

/**
 * Desktop updates. Only the Electron host provides `ctx.desktop`; the web host and the CLI
 * answer `not_available`. Events: update.available, update.progress, update.downloaded,
 * update.error (each forwarded to the UI by every host).
 */
function desktopOf(ctx: Parameters<Handler<'update.check'>>[1]) {
  if (!ctx.desktop) throw new AppError('not_available')
  return ctx.desktop
}

export const checkForUpdate: Handler<'update.check'> = async (_args, ctx) => {
  const desktop = desktopOf(ctx)
  const feedUrl = updateFeedUrl((await readSettings(ctx)).serverUrl)
  try {
    const found = await desktop.checkForUpdates(feedUrl)
    if (found.available && found.version) {
      ctx.emit('update.available', { version: found.version, releaseDate: found.releaseDate })
    }
    ctx.log.log('info', 'update check', { feedUrl, available: found.available, version: found.version })
    return {
      status: found.available ? 'available' : 'latest',
      currentVersion: ctx.host.appVersion,
      version: found.version,
      releaseDate: found.releaseDate,
      feedUrl,
    }
  } catch (err) {
    const code = updateErrorCode(err, 'check')
    ctx.log.log('warn', 'update check failed', { feedUrl, code, error: err instanceof Error ? err.message : String(err) })
    ctx.emit('update.error', { code })
    throw new AppError(code)
  }
}

export const downloadUpdate: Handler<'update.download'> = async (_args, ctx) => {
  const desktop = desktopOf(ctx)
  let lastPercent = -1
  try {
    const done = await desktop.downloadUpdate((p) => {
      const progress = normaliseProgress(p)
      // at most one event per whole percent
      if (Math.floor(progress.percent) === lastPercent) return
      lastPercent = Math.floor(progress.percent)
      ctx.emit('update.progress', progress)
    })
    ctx.log.log('info', 'update downloaded', { version: done.version })
    ctx.emit('update.downloaded', { version: done.version })
    return { version: done.version }
  } catch (err) {
    const code = updateErrorCode(err, 'download')
    ctx.log.log('warn', 'update download failed', { code, error: err instanceof Error ? err.message : String(err) })
    ctx.emit('update.error', { code })
    throw new AppError(code)
  }
}

/** A write: it runs after every earlier write has finished, so nothing is cut short. */
export const installUpdate: Handler<'update.install'> = async (_args, ctx) => {
  const desktop = desktopOf(ctx)
  ctx.log.log('info', 'update install requested')
  desktop.quitAndInstall()
  return null
}
