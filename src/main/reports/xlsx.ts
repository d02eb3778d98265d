/**
 * One report or filtered table → an .xlsx file, with exceljs's streaming writer: a title
 * block (report name, period, filters, author, time), a bold frozen header with an
 * autofilter, column widths, dates as Excel dates and numbers as numbers, in Kazakh or
 * Russian. Rows stream from SQLite (`iterate`) straight into the zip stream, so memory
 * stays flat however long the table. Runs inside the export worker (./export-worker.ts).
 */
import Database from 'better-sqlite3'
import ExcelJS from 'exceljs'
import { EXPORT_TEXT, KINDERGARTEN_TYPE_TEXT, REPORT_COLUMNS, REPORT_TITLES, TABLE_IDS, finishRows, presentCell, type Cell, type NameBook, type ReportFilters, type ReportId, type TableId } from '../../core/reports'
import { countRows, reportStatement, type CustomQuery } from './local'

export interface ExportJob {
  dbPath: string
  nativeBinding?: string | undefined
  id: ReportId | TableId
  filters: ReportFilters
  lang: 'kk' | 'ru'
  author: string
  /** ISO instant shown in the title block */
  createdAt: string
  /** where the file is written; the caller renames it when complete */
  tmpPath: string
  /** queue_grid: the grid's query; `describe` says its filter in the title block */
  query?: CustomQuery & { describe: string }
  /**
   * Small sheets computed by the backend (the attendance funding sheet: a few hundred
   * rows, by core's rules): the cells in column order, written as they are; `describe`
   * goes into the title block's filter line, `period` replaces its period.
   */
  computed?: { rows: Cell[][]; describe: string; period?: string; bold?: number[] }
}

/** Columns whose codes or identifiers presentCell turns into words (core/reports.ts). */
const PRESENTED = new Set(['type', 'kindergarten', 'group', 'district', 'language', 'queueType', 'privilege', 'status', 'reason'])

export const TITLE_ROWS = 4
export const HEADER_ROW = TITLE_ROWS + 2

/** Names of kindergartens, districts and groups the mirror holds. */
export function nameBook(db: Database.Database): NameBook {
  const book: NameBook = {}
  for (const r of db
    .prepare("SELECT id, json_extract(data, '$.name_kk') AS kk, json_extract(data, '$.name_ru') AS ru FROM rows WHERE entity = 'kindergarten'")
    .iterate() as IterableIterator<{ id: string; kk: string | null; ru: string | null }>) {
    book[r.id] = { kk: r.kk ?? r.ru ?? r.id, ru: r.ru ?? r.kk ?? r.id }
  }
  // districts (region-scoped mirrors): name_kk / name_ru like kindergartens
  for (const r of db
    .prepare("SELECT id, json_extract(data, '$.name_kk') AS kk, json_extract(data, '$.name_ru') AS ru FROM rows WHERE entity = 'district'")
    .iterate() as IterableIterator<{ id: string; kk: string | null; ru: string | null }>) {
    book[r.id] = { kk: r.kk ?? r.ru ?? r.id, ru: r.ru ?? r.kk ?? r.id }
  }
  for (const r of db.prepare("SELECT id, json_extract(data, '$.name') AS name FROM rows WHERE entity = 'group'").iterate() as IterableIterator<{ id: string; name: string | null }>) {
    book[r.id] = { kk: r.name ?? r.id, ru: r.name ?? r.id }
  }
  return book
}

/** dd.mm.yyyy of an ISO date. */
const dmy = (d: string): string => `${d.slice(8, 10)}.${d.slice(5, 7)}.${d.slice(0, 4)}`

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})/

/** An Excel date: the Almaty wall time as a UTC date (Excel dates have no time zone). */
export function excelDate(value: string, withTime: boolean): Date | string {
  if (!withTime || value.length === 10) {
    const m = ISO_DAY.exec(value)
    return m ? new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!)) : value
  }
  const t = Date.parse(value)
  // to the minute, as shown: 23:59:59.999 must not round up to the next day
  return Number.isNaN(t) ? value : new Date(Math.floor((t + 5 * 3600_000) / 60_000) * 60_000)
}

export function titleLines(job: Pick<ExportJob, 'id' | 'filters' | 'lang' | 'author' | 'createdAt' | 'query' | 'computed'>, names: NameBook): string[] {
  const L = job.lang
  const f = job.filters
  const period = job.computed?.period ?? (f.from || f.to ? `${f.from ? dmy(f.from) : '…'} – ${f.to ? dmy(f.to) : '…'}` : EXPORT_TEXT.allTime[L])
  const parts: string[] = []
  if (f.districtId) parts.push(`${EXPORT_TEXT.district[L]}: ${names[f.districtId]?.[L] ?? f.districtId}`)
  if (f.kindergartenType) parts.push(`${EXPORT_TEXT.type[L]}: ${KINDERGARTEN_TYPE_TEXT[f.kindergartenType][L]}`)
  if (f.language) parts.push(`${EXPORT_TEXT.language[L]}: ${f.language === 'kk' ? (L === 'kk' ? 'қазақ' : 'казахский') : L === 'kk' ? 'орыс' : 'русский'}`)
  if (job.query?.describe) parts.push(job.query.describe)
  if (job.computed?.describe) parts.push(job.computed.describe)
  const at = new Date(Date.parse(job.createdAt) + 5 * 3600_000).toISOString()
  return [
    REPORT_TITLES[job.id][L],
    `${EXPORT_TEXT.period[L]}: ${period}`,
    `${EXPORT_TEXT.filters[L]}: ${parts.length ? parts.join('; ') : EXPORT_TEXT.none[L]}`,
    `${EXPORT_TEXT.author[L]}: ${job.author}. ${EXPORT_TEXT.createdAt[L]}: ${dmy(at.slice(0, 10))} ${at.slice(11, 16)}`,
  ]
}

function columnLetter(n: number): string {
  let s = ''
  for (let k = n; k > 0; k = Math.floor((k - 1) / 26)) s = String.fromCharCode(65 + ((k - 1) % 26)) + s
  return s
}

/**
 * Write the file. `progress(done, total)` is called every `every` rows; `cancelled()` is
 * polled as often and stops the export (the partial file is the caller's to delete).
 */
export async function writeExport(
  job: ExportJob,
  progress: (done: number, total: number) => void,
  cancelled: () => boolean,
  every = 2000,
): Promise<{ rows: number; cancelled: boolean }> {
  const db = new Database(job.dbPath, { readonly: true, fileMustExist: true, ...(job.nativeBinding ? { nativeBinding: job.nativeBinding } : {}) })
  try {
    const names = nameBook(db)
    const cols = REPORT_COLUMNS[job.id]
    const computed = job.computed
    const source = computed ? null : reportStatement(db, job.id, job.filters, job.query)
    const total = computed ? computed.rows.length : countRows(db, job.id, job.filters, job.query)
    progress(0, total)
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: job.tmpPath, useStyles: true, useSharedStrings: false })
    wb.creator = job.author
    wb.created = new Date(job.createdAt)
    const sheetName = REPORT_TITLES[job.id][job.lang].replace(/[\\/?*[\]:]/g, ' ').slice(0, 31)
    const ws = wb.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: HEADER_ROW, xSplit: 0 }] })
    ws.columns = cols.map((c) => ({ key: c.key, width: c.width }))
    const title = titleLines(job, names)
    for (const [i, line] of title.entries()) {
      const row = ws.getRow(i + 1)
      row.getCell(1).value = line
      if (i === 0) row.getCell(1).font = { bold: true, size: 14 }
      row.commit()
    }
    ws.getRow(TITLE_ROWS + 1).commit()
    const header = ws.getRow(HEADER_ROW)
    cols.forEach((c, i) => {
      const cell = header.getCell(i + 1)
      cell.value = c.title[job.lang]
      cell.font = { bold: true }
      cell.alignment = { wrapText: true, vertical: 'middle' }
      cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF7' } }
    })
    header.commit()
    ws.autoFilter = `A${HEADER_ROW}:${columnLetter(cols.length)}${HEADER_ROW}`
    // one style object per column, shared by all its cells: exceljs caches a style by
    // object identity, so each cell costs a WeakMap lookup instead of a style build
    const styles = cols.map((c) => (c.type === 'date' ? { numFmt: 'dd.mm.yyyy' } : c.type === 'datetime' ? { numFmt: 'dd.mm.yyyy hh:mm' } : c.type === 'money' ? { numFmt: '#,##0.00' } : {}))
    const boldStyles = styles.map((st) => ({ ...st, font: { bold: true } }))
    const convert = cols.map((c) => {
      const plain = ['text', 'int'].includes(c.type) && !PRESENTED.has(c.key)
      if (plain) return null
      if (c.type === 'date' || c.type === 'datetime') {
        const withTime = c.type === 'datetime'
        return (v: Cell): Cell | Date => (v === null ? null : excelDate(String(v), withTime))
      }
      // codes repeat: present each distinct value once
      const seen = new Map<Cell, Cell>()
      return (v: Cell): Cell => {
        let p = seen.get(v)
        if (p === undefined) {
          p = presentCell(c, v, job.lang, names)
          seen.set(v, p)
        }
        return p
      }
    })
    // tables: SQL columns are the sheet's columns in order, read as arrays; reports (a
    // few hundred rows) go through finishRows for their derived columns
    const direct = computed !== undefined || (TABLE_IDS as readonly string[]).includes(job.id)
    if (source && direct) {
      const names = source.stmt.columns().map((c) => c.name)
      if (names.join() !== cols.map((c) => c.key).join()) throw new Error(`columns of ${job.id}: ${names.join()}`)
      source.stmt.raw(true)
    }
    const bold = new Set(computed?.bold ?? [])
    let n = 0
    let stopped = false
    let rowNo = HEADER_ROW
    const input: Iterable<unknown> = computed ? computed.rows : (source!.stmt.iterate(source!.params) as IterableIterator<unknown>)
    for (const raw of input) {
      const cells = direct ? (raw as Cell[]) : finishRows(job.id, [raw as Record<string, unknown>])[0]!
      const row = ws.getRow(++rowNo)
      const rowStyles = bold.has(n) ? boldStyles : styles
      for (let i = 0; i < cols.length; i++) {
        const v = cells[i] ?? null
        const f = convert[i]
        const value = f ? f(v) : v
        if (value === null) continue
        const cell = row.getCell(i + 1)
        cell.style = rowStyles[i]!
        cell.value = value
      }
      row.commit()
      if (++n % every === 0) {
        if (cancelled()) {
          stopped = true
          break
        }
        progress(n, total)
        // let the zip stream drain to the file before the next block
        await new Promise<void>((resolve) => setImmediate(resolve))
      }
    }
    ws.commit()
    await wb.commit()
    if (!stopped) progress(n, total)
    return { rows: n, cancelled: stopped }
  } finally {
    db.close()
  }
}
