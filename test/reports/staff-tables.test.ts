/**
 * The staff Referrals and Children tables exported as filtered and sorted on screen: a
 * kindergarten head's mirror (Aigolek, which holds a referral in the demo city; real SQLite, synced from a real central store on PGlite).
 * What the page shows is computed here the way the page computes it (the `staff.*`
 * handlers' rows, the filter row's "text contained, case-insensitive" over the cells as
 * displayed, the page's own filter, the column's sort); the export's SQL must give the same
 * rows in the same order, and the .xlsx the worker writes (read back with exceljs) too.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { referralKind, type ChildRow, type ReferralRow, type StaffTableView } from '../../src/main/api/contract'
import { reportRaw, staffTableQuery } from '../../src/main/reports/local'
import { HEADER_ROW } from '../../src/main/reports/xlsx'
import { startCentral, signIn, until, workstation, type Central, type Workstation } from '../sync/helpers'

let central: Central
let ws: Workstation
const dir = mkdtempSync(join(tmpdir(), 'bq-staff-tables-'))

beforeAll(async () => {
  central = await startCentral('pglite', 600)
  ws = await workstation(central, { profile: join(dir, 'profile') })
  await signIn(ws, central, 'aigolek-head')
  const r = await ws.backend.invoke('sync.now', {})
  if (!r.ok) throw new Error(JSON.stringify(r.error))
  await until(async () => ws.backend.invoke('sync.status', {}), (s) => s.ok && s.value.pending === 0 && s.value.lastSyncAt !== null, 60_000)
}, 180_000)
afterAll(async () => {
  await ws?.close()
  await central?.close()
  rmSync(dir, { recursive: true, force: true })
})

const today = () => new Date(Date.now() + 5 * 3600_000).toISOString().slice(0, 10)
const has = (cell: string | null | undefined, v: string) => String(cell ?? '').toLowerCase().includes(v.toLowerCase())
const cmp = (a: string | null, b: string | null) => ((a ?? '') < (b ?? '') ? -1 : (a ?? '') > (b ?? '') ? 1 : 0)
/** As the pages display a time (renderer/src/format.ts formatDateTime): dd.mm.yyyy, HH:MM:SS in Almaty. */
const display = new Intl.DateTimeFormat('ru-RU', { timeZone: 'Asia/Almaty', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
const shown = (iso: string | null) => (iso ? display.format(new Date(iso)) : '')

async function staffRows<T>(name: 'staff.referrals' | 'staff.children'): Promise<T[]> {
  const r = await ws.backend.invoke(name, {})
  if (!r.ok) throw new Error(JSON.stringify(r.error))
  return r.value as T[]
}

/** The export's body rows as the worker wrote them, read back with exceljs. */
async function exported(target: 'referral_list' | 'children_list', table: StaffTableView): Promise<unknown[][]> {
  const r = await ws.backend.invoke('export.start', { target, filters: {}, language: 'ru', table })
  if (!r.ok) throw new Error(JSON.stringify(r.error))
  const p = await ws.backend.context.exports.wait(r.value!.exportId)
  expect(p.state).toBe('done')
  const book = new ExcelJS.Workbook()
  await book.xlsx.readFile(p.path)
  const sheet = book.worksheets[0]!
  const rows: unknown[][] = []
  sheet.eachRow((row, n) => {
    if (n > HEADER_ROW) rows.push((row.values as unknown[]).slice(1))
  })
  return rows
}

describe('staff tables exported as on screen', () => {
  it('children: the filter row (Cyrillic, other case), departed hidden or shown, sorted by a column', async () => {
    const children = await staffRows<ChildRow>('staff.children')
    expect(children.length).toBeGreaterThan(5)
    // a group name's part in capitals: SQLite's lower() would not fold Cyrillic
    const group = children[0]!.groupName
    const part = group.slice(0, Math.max(3, Math.ceil(group.length / 2))).toUpperCase().trim()
    expect(part).not.toBe(part.toLowerCase())
    for (const departed of [false, true]) {
      const view: StaffTableView = { filters: { group: part }, sort: { column: 'child', desc: true }, departed }
      const screen = children
        .filter((c) => departed || !c.departedAt)
        .filter((c) => has(c.groupName, part))
        .sort((a, b) => -cmp(a.childName, b.childName) || cmp(a.enrolmentId, b.enrolmentId))
      expect(screen.length).toBeGreaterThan(0)
      expect(screen.length).toBeLessThan(children.length)
      const q = staffTableQuery('children_list', view, today())
      const raw = reportRaw(ws.backend.context.sqlite, 'children_list', {}, q)
      expect(raw.map((r) => r[0])).toEqual(screen.map((c) => c.childName))
      expect(raw.map((r) => r[3])).toEqual(screen.map((c) => c.groupId))
      const xlsx = await exported('children_list', view)
      expect(xlsx.map((r) => r[0])).toEqual(screen.map((c) => c.childName))
      expect(q.describe).toContain(`group=${part}`)
    }
  }, 120_000)

  it('children: a date filter matches the date as displayed; sorting by enrolment date follows time, not the text', async () => {
    const children = (await staffRows<ChildRow>('staff.children')).filter((c) => !c.departedAt)
    const day = shown(children[children.length - 1]!.enrolledAt).slice(0, 10)
    const view: StaffTableView = { filters: { enrolled: day }, sort: { column: 'enrolled', desc: false } }
    const screen = children.filter((c) => has(shown(c.enrolledAt), day)).sort((a, b) => cmp(a.enrolledAt, b.enrolledAt) || cmp(a.enrolmentId, b.enrolmentId))
    expect(screen.length).toBeGreaterThan(0)
    const raw = reportRaw(ws.backend.context.sqlite, 'children_list', {}, staffTableQuery('children_list', view, today()))
    expect(raw.map((r) => r[0])).toEqual(screen.map((c) => c.childName))
  }, 60_000)

  it('referrals: hidden ones left out, the kinds shown, a column filter and sort; every kind judged as the page judges it', async () => {
    const referrals = await staffRows<ReferralRow>('staff.referrals')
    expect(referrals.length).toBeGreaterThan(0)
    // every kind: the SQL's CASE equals the page's referralKind
    const all = reportRaw(ws.backend.context.sqlite, 'referral_list', {}, staffTableQuery('referral_list', { filters: {} }, today()))
    expect(all.map((r) => r[0])).toEqual(referrals.map((r) => r.id))
    for (const kind of ['active', 'extended', 'expiring', 'lapsed', 'closed'] as const) {
      const raw = reportRaw(ws.backend.context.sqlite, 'referral_list', {}, staffTableQuery('referral_list', { filters: {}, kinds: [kind] }, today()))
      expect(raw.map((r) => r[0]).sort(), kind).toEqual(referrals.filter((r) => referralKind(r) === kind).map((r) => r.id).sort())
    }
    const child = referrals.find((r) => r.childName)!.childName!
    const part = child.slice(1, 4).toUpperCase().trim()
    const view: StaffTableView = { filters: { child: part }, sort: { column: 'issued', desc: false } }
    const screen = referrals.filter((r) => has(r.childName, part)).sort((a, b) => cmp(a.issuedAt, b.issuedAt) || cmp(a.id, b.id))
    expect(screen.length).toBeGreaterThan(0)
    const xlsx = await exported('referral_list', view)
    expect(xlsx.map((r) => r[0])).toEqual(screen.map((r) => r.id))
    // nothing matches: an empty sheet, not the whole table
    expect(await exported('referral_list', { filters: { number: 'no-such-number' } })).toEqual([])
  }, 120_000)
})
