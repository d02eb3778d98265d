/**
 * Statistics on the demo city (a clerk's mirror synced from a real central store on
 * PGlite):
 * - every report computed two ways, by SQL over the local mirror (SQLite) and by the
 *   central store's own SQL over its tables; with and without each filter, equal;
 * - every report and filtered table exported to .xlsx in a worker thread, opened by a real
 *   outside reader (LibreOffice headless → CSV) and compared cell by cell with the
 *   report; the sheet's XML read for numeric date/number cells, frozen bold header,
 *   autofilter and widths; progress events, cancellation, temp file renamed at the end;
 * - `bq ws export` headless.
 */
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { REPORT_COLUMNS, REPORT_IDS, REPORT_TITLES, TABLE_IDS, presentCell, type ReportFilters, type ReportId, type TableId } from '../../src/core/reports'
import type { ExportProgress } from '../../src/main/api/contract'
import { HEADER_ROW, nameBook } from '../../src/main/reports/xlsx'
import { reportRaw } from '../../src/main/reports/local'
import { storeReport } from '../../src/server/reports'
import { startCentral, signIn, until, workstation, type Central, type Workstation } from '../sync/helpers'

const run = promisify(execFile)
let central: Central
let ws: Workstation
const dir = mkdtempSync(join(tmpdir(), 'bq-reports-'))
const profile = join(dir, 'profile')

/** Two departures signed at a kindergarten (staff workstation), so movement has reasons. */
async function departures(): Promise<void> {
  const staff = await workstation(central)
  try {
    await signIn(staff, central, 'baldyrgan-head')
    await staff.backend.invoke('sync.now', {})
    await until(async () => staff.backend.invoke('sync.status', {}), (s) => s.ok && s.value.lastSyncAt !== null, 60_000)
    const kids = await staff.backend.invoke('staff.children', {})
    if (!kids.ok) throw new Error(JSON.stringify(kids.error))
    const key = { storage: 'pkcs12' as const, path: central.store.pki.file('baldyrgan-head', 'sign'), password: central.store.pki.password }
    for (const [i, reason] of (['school', 'moved'] as const).entries()) {
      const r = await staff.backend.invoke('staff.depart', { enrolmentId: kids.value[i]!.enrolmentId, key, reason })
      if (!r.ok) throw new Error(JSON.stringify(r.error))
    }
    await staff.backend.invoke('sync.now', {})
    await until(async () => staff.backend.invoke('sync.status', {}), (s) => s.ok && s.value.pending === 0 && s.value.problems === 0, 60_000)
  } finally {
    await staff.close()
  }
}

beforeAll(async () => {
  central = await startCentral('pglite', 3000)
  await departures()
  ws = await workstation(central, { profile })
  await signIn(ws, central, 'clerk-saparova')
  const r = await ws.backend.invoke('sync.now', {})
  if (!r.ok) throw new Error(JSON.stringify(r.error))
  await until(async () => ws.backend.invoke('sync.status', {}), (s) => s.ok && s.value.pending === 0 && s.value.lastSyncAt !== null, 60_000)
}, 180_000)
afterAll(async () => {
  await ws?.close()
  await central?.close()
  rmSync(dir, { recursive: true, force: true })
})

function today(offsetDays = 0): string {
  return new Date(Date.now() + 5 * 3600_000 + offsetDays * 86_400_000).toISOString().slice(0, 10)
}

describe('reports: local mirror = central store', () => {
  const filterSets: Array<[string, ReportFilters]> = [
    ['no filters', {}],
    ['period', { from: today(-2), to: today() }],
    ['district', { districtId: 'almaly' }],
    ['kindergarten type', { kindergartenType: 'state' }],
    ['language', { language: 'kk' }],
    ['all together', { from: today(-400), to: today(), districtId: 'auezov', kindergartenType: 'state', language: 'ru' }],
  ]
  it.each(filterSets)('every report, %s', async (_name, f) => {
    const db = central.server().database.db
    for (const id of REPORT_IDS) {
      const local = reportRaw(ws.backend.context.sqlite, id, f)
      const store = await storeReport(db, { regionId: 'almaty' }, id, f)
      expect(local, `${id} ${JSON.stringify(f)}`).toEqual(store)
    }
  }, 60_000)

  it('the demo city has something in every report without filters', () => {
    for (const id of REPORT_IDS) {
      expect(reportRaw(ws.backend.context.sqlite, id, {}).length, id).toBeGreaterThan(0)
    }
    // the two departures signed at Baldyrgan, by reason
    const moves = reportRaw(ws.backend.context.sqlite, 'movement', { from: today(), to: today() })
    const cols = REPORT_COLUMNS.movement.map((c) => c.key)
    const baldyrgan = moves.find((r) => r[0] === 'kg-baldyrgan')!
    expect(baldyrgan[cols.indexOf('departed')]).toBe(2)
    expect(baldyrgan[cols.indexOf('departed_school')]).toBe(1)
    expect(baldyrgan[cols.indexOf('departed_moved')]).toBe(1)
    const kinds = reportRaw(ws.backend.context.sqlite, 'kindergartens', {})
    expect(kinds.map((r) => r[0])).toEqual(['private', 'private_state_order', 'sanatorium', 'special', 'state'])
  })
})

// ---- Excel ------------------------------------------------------------------------------

/** LibreOffice headless: every .xlsx given → UTF-8 CSV of its first sheet, in one start. */
async function toCsv(files: string[]): Promise<Map<string, string[][]>> {
  const out = join(dir, `csv-${Math.random().toString(36).slice(2)}`)
  await run('soffice', [`-env:UserInstallation=file://${join(dir, 'lo-profile')}`, '--headless', '--convert-to', 'csv:Text - txt - csv (StarCalc):44,34,76,1', '--outdir', out, ...files], { timeout: 180_000 })
  const m = new Map<string, string[][]>()
  for (const f of files) {
    const text = readFileSync(join(out, basename(f).replace(/\.xlsx$/, '.csv')), 'utf8')
    m.set(f, parseCsv(text))
  }
  return m
}

function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"'
        i++
      } else if (ch === '"') quoted = false
      else cell += ch
    } else if (ch === '"') quoted = true
    else if (ch === ',') {
      row.push(cell)
      cell = ''
    } else if (ch === '\n') {
      row.push(cell)
      rows.push(row)
      row = []
      cell = ''
    } else if (ch !== '\r') cell += ch
  }
  if (cell || row.length) rows.push([...row, cell])
  return rows
}

function zipPart(file: string, part: string): Promise<string> {
  return run('python3', ['-c', 'import zipfile,sys; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]).decode())', file, part], { maxBuffer: 256 * 1024 * 1024 }).then((r) => r.stdout)
}
const sheetXml = (file: string) => zipPart(file, 'xl/worksheets/sheet1.xml')

/** The fonts of the header row's cells, from styles.xml (cellXfs → fonts). */
async function headerFonts(file: string, xml: string): Promise<string[]> {
  const styles = await zipPart(file, 'xl/styles.xml')
  const fonts = [...styles.match(/<fonts[^>]*>([\s\S]*?)<\/fonts>/)![1]!.matchAll(/<font>([\s\S]*?)<\/font>|<font\/>/g)].map((m) => m[1] ?? '')
  const xfs = [...styles.match(/<cellXfs[^>]*>([\s\S]*?)<\/cellXfs>/)![1]!.matchAll(/<xf [^>]*fontId="(\d+)"/g)].map((m) => Number(m[1]))
  const header = xml.match(new RegExp(`<row r="${HEADER_ROW}"[^>]*>([\\s\\S]*?)</row>`))![1]!
  return [...header.matchAll(/<c r="[A-Z]+\d+" s="(\d+)"/g)].map((m) => fonts[xfs[Number(m[1])]!] ?? '')
}

/** What a person should read in the CSV for a cell (dates as dd.mm.yyyy, Almaty time). */
function expectedText(type: string, v: string | number | null): string {
  if (v === null) return ''
  if (type === 'date') return `${String(v).slice(8, 10)}.${String(v).slice(5, 7)}.${String(v).slice(0, 4)}`
  if (type === 'datetime') {
    const d = new Date(Date.parse(String(v)) + 5 * 3600_000).toISOString()
    return `${d.slice(8, 10)}.${d.slice(5, 7)}.${d.slice(0, 4)} ${d.slice(11, 16)}`
  }
  return String(v)
}

async function exportOf(target: ReportId | TableId, filters: ReportFilters, language: 'kk' | 'ru'): Promise<ExportProgress> {
  const r = await ws.backend.invoke('export.start', { target, filters, language })
  if (!r.ok) throw new Error(JSON.stringify(r.error))
  return ws.backend.context.exports.wait(r.value!.exportId)
}

describe('Excel export', () => {
  it('every report and table: LibreOffice reads the same cells as the report; dates and numbers are numeric; title, frozen bold header, autofilter, widths', async () => {
    const db = ws.backend.context.sqlite
    const names = nameBook(db)
    const filters: ReportFilters = { from: today(-700), to: today() }
    // queue_grid and attendance_funding have their own tests (office grid; test/reports/funding-export.test.ts)
    const targets = [...REPORT_IDS, ...TABLE_IDS.filter((x) => x !== 'queue_grid' && x !== 'attendance_funding')]
    const done: Array<[ReportId | TableId, 'kk' | 'ru', ExportProgress]> = []
    for (const [i, id] of targets.entries()) {
      const lang = i % 2 === 0 ? 'kk' : 'ru'
      const p = await exportOf(id, filters, lang)
      expect(p, id).toMatchObject({ state: 'done' })
      expect(existsSync(p.path)).toBe(true)
      done.push([id, lang, p])
    }
    // no temp files left beside the finished ones
    expect(readdirSync(join(profile, 'exports')).filter((f) => f.endsWith('.part'))).toEqual([])
    const csv = await toCsv(done.map(([, , p]) => p.path))
    for (const [id, lang, p] of done) {
      const cols = REPORT_COLUMNS[id]
      const rows = reportRaw(db, id, filters)
      const cells = csv.get(p.path)!
      expect(cells[0]![0], id).toBe(REPORT_TITLES[id][lang])
      expect(cells[1]![0]).toMatch(lang === 'kk' ? /^Кезең: / : /^Период: /)
      expect(cells[2]![0]).toMatch(lang === 'kk' ? /^Сүзгілер: / : /^Фильтры: /)
      expect(cells[3]![0]).toContain('Сапарова')
      expect(cells[HEADER_ROW - 1]!.slice(0, cols.length)).toEqual(cols.map((c) => c.title[lang]))
      const body = cells.slice(HEADER_ROW).filter((r) => r.some((c) => c !== ''))
      expect(body.length, id).toBe(rows.length)
      expect(p.done).toBe(rows.length)
      for (const [k, row] of rows.entries()) {
        const want = cols.map((c, j) => expectedText(c.type, presentCell(c, row[j] ?? null, lang, names)))
        expect(body[k]!.slice(0, cols.length), `${id} row ${k}`).toEqual(want)
      }
      // the sheet's XML: frozen header, autofilter, widths, numeric date/number cells
      const xml = await sheetXml(p.path)
      expect(xml).toMatch(new RegExp(`<pane [^>]*ySplit="${HEADER_ROW}"[^>]*state="frozen"`))
      expect(xml).toMatch(new RegExp(`<autoFilter ref="A${HEADER_ROW}:[A-Z]+${HEADER_ROW}"`))
      expect(xml).toMatch(/<col [^>]*width="/)
      const fonts = await headerFonts(p.path, xml)
      expect(fonts.length, `${id} header cells`).toBe(cols.length)
      for (const f of fonts) expect(f, `${id} header is bold`).toContain('<b/>')
      const firstData = xml.match(new RegExp(`<row r="${HEADER_ROW + 1}"[^>]*>([\\s\\S]*?)</row>`))
      if (rows.length > 0) {
        expect(firstData, id).not.toBeNull()
        const cellsXml = [...firstData![1]!.matchAll(/<c r="([A-Z]+)\d+"([^>]*)>/g)]
        for (const [j, c] of cols.entries()) {
          if (c.type === 'text') continue
          const x = cellsXml.find((m) => m[1] === String.fromCharCode(65 + j))
          if (!x) continue
          // numeric cells carry no t="s|str|inlineStr" type: Excel stores dates as numbers
          expect(x[2], `${id}.${c.key} is numeric`).not.toMatch(/t="(s|str|inlineStr)"/)
        }
      }
    }
  }, 300_000)

  it('runs in a worker with progress events, can be cancelled, and leaves no file behind when cancelled', async () => {
    const events: ExportProgress[] = []
    const off = ws.backend.on((name, payload) => {
      if (name === 'export.progress') events.push(payload as ExportProgress)
    })
    const done = await exportOf('queue_list', {}, 'kk')
    expect(done.state).toBe('done')
    const mine = events.filter((e) => e.exportId === done.exportId)
    expect(mine[0]).toMatchObject({ state: 'running' })
    expect(mine.some((e) => e.state === 'running' && e.total !== null && e.total > 0)).toBe(true)
    expect(mine.at(-1)).toMatchObject({ state: 'done', done: done.total })
    // cancelled at once: the worker stops at its first check
    const started = await ws.backend.invoke('export.start', { target: 'queue_list', filters: {}, language: 'ru' })
    if (!started.ok) throw new Error(JSON.stringify(started.error))
    expect(await ws.backend.invoke('export.cancel', { exportId: started.value!.exportId })).toEqual({ ok: true, value: true })
    const cancelled = await ws.backend.context.exports.wait(started.value!.exportId)
    expect(cancelled.state).toBe('cancelled')
    expect(existsSync(cancelled.path)).toBe(false)
    expect(readdirSync(join(profile, 'exports')).filter((f) => f.endsWith('.part'))).toEqual([])
    const dl = await ws.backend.invoke('export.download', { exportId: started.value!.exportId })
    expect(dl).toMatchObject({ ok: false, error: { code: 'export_not_ready' } })
    const ok = await ws.backend.invoke('export.download', { exportId: done.exportId })
    expect(ok.ok && Buffer.from(ok.value.base64, 'base64').subarray(0, 2).toString()).toBe('PK')
    off()
  }, 120_000)

  it("the clerk's queue grid as filtered and sorted on screen (office.queue) is what the export writes", async () => {
    const queue = { filter: { queueType: ['general' as const], status: ['in_queue'] }, sort: { column: 'registeredAt' as const, desc: true } }
    const grid = await ws.backend.invoke('office.queue', { ...queue, offset: 0, limit: 500 })
    if (!grid.ok) throw new Error(JSON.stringify(grid.error))
    expect(grid.value.rows.length).toBeGreaterThan(10)
    const r = await ws.backend.invoke('export.start', { target: 'queue_grid', filters: {}, language: 'ru', queue })
    if (!r.ok) throw new Error(JSON.stringify(r.error))
    const p = await ws.backend.context.exports.wait(r.value!.exportId)
    expect(p.state).toBe('done')
    expect(p.done).toBe(grid.value.total)
    const cells = (await toCsv([p.path])).get(p.path)!
    expect(cells[0]![0]).toBe(REPORT_TITLES.queue_grid.ru)
    expect(cells[2]![0]).toContain('queueType=general')
    const body = cells.slice(HEADER_ROW).filter((x) => x.some((c) => c !== ''))
    expect(body.length).toBe(grid.value.total)
    // same applications in the same order, with their queue numbers
    expect(body.slice(0, grid.value.rows.length).map((x) => [x[2], x[0], x[1]])).toEqual(
      grid.value.rows.map((g) => [g.number, g.queueNo === null ? '' : String(g.queueNo), g.privNo === null ? '' : String(g.privNo)]),
    )
    const refused = await ws.backend.invoke('export.start', { target: 'queue_grid', filters: {} })
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_args' } })
  }, 120_000)

  it('bq ws export REPORT --profile DIR --out FILE.xlsx', async () => {
    const out = join(dir, 'queue.xlsx')
    const r = await run(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', 'ws', 'export', 'queue', '--profile', profile, '--out', out, '--language', 'kk', '--lang', 'ru'])
    expect(r.stdout).toContain(out)
    const rows = reportRaw(ws.backend.context.sqlite, 'queue', { language: 'kk' })
    const cells = (await toCsv([out])).get(out)!
    expect(cells[0]![0]).toBe(REPORT_TITLES.queue.ru)
    expect(cells[2]![0]).toBe('Фильтры: язык: казахский')
    const body = cells.slice(HEADER_ROW).filter((x) => x.some((c) => c !== ''))
    expect(body.map((x) => x.slice(0, 5).map(Number))).toEqual(rows)
  }, 120_000)
})
