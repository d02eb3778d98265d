/**
 * Statistics and Excel export handlers: `reports.run` (SQL over the local mirror),
 * `export.start|status|cancel|download` (exceljs streaming in a worker thread).
 */
import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { userInfo } from 'node:os'
import { REPORT_COLUMNS, type Cell } from '../../core/reports'
import { AppError } from '../../core/result'
import type { ApiArgs, AttendanceFunding } from '../api/contract'
import { funding as attendanceFunding } from '../handlers/attendance'
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

/** The previous month (Almaty), YYYY-MM. */
function previousMonth(now: Date): string {
  const d = new Date(now.getTime() + 5 * 3600_000)
  const k = d.getUTCFullYear() * 12 + d.getUTCMonth() - 1
  return `${Math.floor(k / 12)}-${String((k % 12) + 1).padStart(2, '0')}`
}

const money = (tiyn: number | null): Cell => (tiyn === null ? null : tiyn / 100)

/**
 * The funding sheet's cells in the columns of core's `attendance_funding`: each district's
 * kindergartens, the district's total (bold), and the total of the sheet (bold).
 */
export function fundingCells(f: AttendanceFunding, lang: 'kk' | 'ru'): { rows: Cell[][]; bold: number[] } {
  const rows: Cell[][] = []
  const bold: number[] = []
  const line = (district: string | null, kg: string, type: string | null, children: number, workingDays: number | null, t: AttendanceFunding['totals'], rate: string | null): Cell[] => [
    district,
    kg,
    type,
    children,
    workingDays,
    t.expected,
    t.attended,
    t.absent.illness,
    t.absent.family_leave,
    t.absent.summer_leave,
    t.absent.quarantine,
    t.absent.other,
    t.unmarked,
    rate,
    money(t.amountTiyn),
  ]
  const rateText = (r: AttendanceFunding['rows'][number]['rate']): string | null =>
    r ? `${r.amountTenge.toLocaleString(lang === 'ru' ? 'ru-RU' : 'kk-KZ')} ₸ / ${r.unit === 'day' ? (lang === 'ru' ? 'день' : 'күн') : lang === 'ru' ? 'месяц' : 'ай'}` : null
  for (const d of f.districts) {
    for (const r of f.rows.filter((x) => x.districtId === d.districtId)) {
      rows.push(line(r.districtId, r.kindergartenId, r.kindergartenType, r.children, r.workingDays, r, rateText(r.rate)))
    }
    bold.push(rows.length)
    rows.push(line(d.districtId, FUNDING_TEXT.districtTotal[lang], null, d.totals.children, f.workingDays, d.totals, null))
  }
  bold.push(rows.length)
  rows.push(line(null, FUNDING_TEXT.total[lang], null, f.totals.children, f.workingDays, f.totals, null))
  return { rows, bold }
}

const FUNDING_TEXT = {
  districtTotal: { kk: 'Аудан бойынша барлығы', ru: 'Итого по району' },
  total: { kk: 'Барлығы', ru: 'Всего' },
  month: { kk: 'ай', ru: 'месяц' },
}

export const startExport: Handler<'export.start'> = async (args, ctx) => {
  requireReader(ctx)
  const computed = args.target === 'attendance_funding' ? await fundingExport(ctx, args) : undefined
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
    { dbPath: ctx.databasePath, nativeBinding: ctx.nativeBinding, id: args.target, filters: args.filters, lang, author, createdAt: now.toISOString(), ...(query ? { query } : {}), ...(computed ? { computed: computed(lang) } : {}) },
    target,
  )
}

/** The funding sheet of a month computed now (by the same handler as the clerk's page), for the worker to write. */
async function fundingExport(ctx: BackendContext, args: ApiArgs<'export.start'>): Promise<(lang: 'kk' | 'ru') => NonNullable<ExportJob['computed']>> {
  const month = args.attendance?.month ?? previousMonth(new Date())
  const f = await attendanceFunding({ month, ...(args.attendance?.districtId ? { districtId: args.attendance.districtId } : {}) }, ctx)
  return (lang) => ({ ...fundingCells(f, lang), describe: '', period: `${FUNDING_TEXT.month[lang]} ${month.slice(5, 7)}.${month.slice(0, 4)}` })
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
