import { join } from 'node:path'
import { AppError } from '../../core/result'
import type { Handler } from '../backend'
import { diagnosticsFileName, writeDiagnostics } from '../diagnostics'
import { readSettings } from './settings'

/**
 * Save a support bundle (logs, versions, settings, database check). The desktop host asks
 * the user where to save it; other hosts write it to `<profile>/diagnostics/`. Null when
 * the user cancelled.
 */
export const saveDiagnostics: Handler<'diagnostics.save'> = async (_args, ctx) => {
  const name = diagnosticsFileName()
  const target = ctx.desktop?.chooseSavePath
    ? await ctx.desktop.chooseSavePath(name)
    : join(ctx.profileDir, 'diagnostics', name)
  if (target === null) return null
  const check = ctx.sqlite.pragma('quick_check', { simple: true }) as string
  const sqliteVersion = (ctx.sqlite.prepare('select sqlite_version() as v').get() as { v: string }).v
  const input = {
    profileDir: ctx.profileDir,
    appVersion: ctx.host.appVersion,
    host: ctx.host.host,
    versions: { ...ctx.host.versions, sqlite: sqliteVersion },
    schemaVersion: ctx.schemaVersion,
    settings: await readSettings(ctx),
    databaseCheck: check,
  }
  let bundle: ReturnType<typeof writeDiagnostics>
  try {
    bundle = writeDiagnostics(target, input)
  } catch (err) {
    // a read-only or full disk, a folder without rights: say where, not "internal error"
    ctx.log.log('warn', 'diagnostics not saved', { error: err instanceof Error ? err.message : String(err) })
    throw new AppError('diagnostics_failed', { path: target })
  }
  ctx.log.log('info', 'diagnostics saved', { bytes: bundle.bytes, entries: bundle.entries.length })
  return bundle
}
