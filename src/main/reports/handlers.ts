/**
 * Statistics and Excel export handlers: `reports.run` (SQL over the local mirror),
 * `export.start|status|cancel|download` (exceljs streaming in a worker thread).
 */
import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { userInfo } from 'node:os'
import { REPORT_COLUMNS } from '../../core/reports'
import { AppError } from '../../core/result'
import type { ApiArgs } from '../api/contract'
import type { BackendContext, Handler } from '../backend'
import { DEFAULT_ORDER, SORT_SQL, where } from '../handlers/office'
import { refreshOfficeIndex } from '../handlers/office-index'
import { readSettings } from '../handlers/settings'
import { QUEUE_GRID_SELECT, reportRaw, staffTableQuery } from './local'
import { nameBook, type ExportJob } from './xlsx'

/** The UI and the web host need a signed-in person; the CLI reads its own profile folder. */
function requireReader(ctx: BackendContext): void {
  if (ctx.host.host !== 'cli' && !ctx.session.current()) throw new AppError('signin_required')
}

export const runReport: Handler<'reports.run'> = async (args, ctx) => {
  requireReader(ctx)
  const districts = ctx.sqlite
    .prepare("SELECT DISTINCT json_extract(data, '$.district_id') FROM rows WHERE entity = 'kindergarten' AND json_extract(data, '$.district_id') IS NOT NULL ORDER BY 1")
    .pluck()
    .all() as string[]
  return {
    id: args.report,
    columns: REPORT_COLUMNS[args.report],
    rows: reportRaw(ctx.sqlite, args.report, args.filters),
    names: nameBook(ctx.sqlite),
    districts,
  }
}

function fileStamp(d: Date): string {
  return new Date(d.getTime() + 5 * 3600_000).toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-')
}

/** `<profile>/exports/<name>`, with -2, -3, ... when taken. */
function freePath(dir: string, name: string): string {
  const stem = name.replace(/\.xlsx$/, '')
  for (let n = 1; ; n++) {
    const p = join(dir, n === 1 ? name : `${stem}-${n}.xlsx`)
    if (!existsSync(p) && !taken.has(p)) {
      taken.add(p)
      return p
    }
  }
}
const taken = new Set<string>()

/** The clerk's grid as on screen: its filter and sort as SQL over office_apps. */
function gridQuery(ctx: BackendContext, q: NonNullable<ApiArgs<'export.start'>['queue']>): NonNullable<ExportJob['query']> {
  refreshOfficeIndex(ctx.sqlite)
  const w = where(q.filter)
  const order = q.sort ? `${SORT_SQL[q.sort.column]}${q.sort.desc ? ' DESC' : ''}, id` : DEFAULT_ORDER
  const describe = Object.entries(q.filter)
    .filter(([, v]) => v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0))
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('|') : String(v)}`)
    .join('; ')
  return { sql: `${QUEUE_GRID_SELECT} ${w.sql} ORDER BY ${order}`, params: w.params, describe }
}

export const startExport: Handler<'export.start'> = async (args, ctx) => {
  requireReader(ctx)
  if (args.target === 'queue_grid' && !args.queue) throw new AppError('invalid_args', { details: 'queue' })
  const now0 = new Date()
  const query =
    args.target === 'queue_grid' && args.queue
      ? gridQuery(ctx, args.queue)
      : (args.target === 'referral_list' || args.target === 'children_list') && args.table
        ? staffTableQuery(args.target, args.table, new Date(now0.getTime() + 5 * 3600_000).toISOString().slice(0, 10))
        : undefined
  const lang = args.language ?? (await readSettings(ctx)).language
  const now = now0
  const name = `${args.target}-${fileStamp(now)}.xlsx`
  const target = ctx.desktop?.chooseSavePath ? await ctx.desktop.chooseSavePath(name) : freePath(join(ctx.profileDir, 'exports'), name)
  if (target === null) return null
  const s = ctx.session.current()
  const author = s ? s.actor.fullName : userInfo().username
  return ctx.exports.start(
    { dbPath: ctx.databasePath, nativeBinding: ctx.nativeBinding, id: args.target, filters: args.filters, lang, author, createdAt: now.toISOString(), ...(query ? { query } : {}) },
    target,
  )
}

export const exportStatus: Handler<'export.status'> = async (args, ctx) => {
  const p = ctx.exports.status(args.exportId)
  if (!p) throw new AppError('export_not_found', { id: args.exportId })
  return p
}

export const cancelExport: Handler<'export.cancel'> = async (args, ctx) => ctx.exports.cancel(args.exportId)

/** The finished file's bytes, for hosts without a save dialog (the browser downloads it). */
export const downloadExport: Handler<'export.download'> = async (args, ctx) => {
  const p = ctx.exports.status(args.exportId)
  if (!p) throw new AppError('export_not_found', { id: args.exportId })
  if (p.state !== 'done') throw new AppError('export_not_ready')
  const bytes = statSync(p.path).size
  if (bytes > 64 * 1024 * 1024) throw new AppError('export_too_large', { bytes, path: p.path })
  return { fileName: p.fileName, base64: readFileSync(p.path).toString('base64') }
}
