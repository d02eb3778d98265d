/**
 * The attendance handlers on a real workstation mirror (SQLite) against a real central
 * store (PGlite): marks made while the store is unreachable go through the outbox on
 * reconnect (the certificate uploaded first); the month grid shows them pending, then
 * confirmed; the funding sheet's SQL over the mirror equals src/core's fundingSheet over
 * the store's own rows, and so does the store's SQL; the signed close stops further marks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHash } from 'node:crypto'
import { expectedDays, fundingSheet, monthOf, type AttendanceMark, type FundingChild } from '../../src/core/attendance'
import { isWorkingDay, kzCalendar as cal } from '../../src/core/calendar'
import { addDays, localDate } from '../../src/core/time'
import { demoPerson } from '../../src/eds/demo/people'
import { storeFundingSheet } from '../../src/server/commands/attendance'
import { startCentral, signIn, until, workstation, type Central, type Workstation } from '../sync/helpers'

let central: Central
let ws: Workstation
let month: string
const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(900, 0x20), Buffer.from('\n%%EOF\n')])
const signKey = () => ({ storage: 'pkcs12' as const, path: central.store.pki.file('solnyshko-head', 'sign'), password: central.store.pki.password })

async function ok<T>(p: Promise<{ ok: true; value: T } | { ok: false; error: unknown }>): Promise<T> {
  const r = await p
  if (!r.ok) throw new Error(JSON.stringify(r.error))
  return r.value
}
async function synced(): Promise<void> {
  await until(async () => ws.backend.invoke('sync.now', {}), (r) => r.ok, 20_000)
  await until(async () => ws.backend.invoke('sync.status', {}), (s) => s.ok && s.value.pending === 0, 20_000)
}

beforeAll(async () => {
  central = await startCentral('pglite')
  ws = await workstation(central)
  await signIn(ws, central, 'solnyshko-head')
  await synced()
  const today = localDate(Date.now())
  month = monthOf(addDays(`${today.slice(0, 7)}-01`, -1))
}, 120_000)
afterAll(async () => {
  await ws?.close()
  await central?.close()
})

describe('attendance handlers on the mirror', () => {
  it('marks offline, sent on reconnect; funding SQL = core; the signed close stops marks', async () => {
    const b = ws.backend
    const [mine] = await central.query<{ id: string; group_id: string }>(
      `select e.id, e.group_id from enrolments e join children c on c.id = e.child_id join applicants a on a.id = c.applicant_id
        where a.iin = $1 and e.departed_at is null`,
      [demoPerson('parent-akhmetov').iin],
    )
    const groupId = mine!.group_id
    const view = await ok(b.invoke('attendance.month', { groupId, month }))
    expect(view).toMatchObject({ kindergartenId: 'kg-solnyshko', state: 'open', canMark: true, canClose: true, pending: false })
    expect(view.workingDays.every((d) => isWorkingDay(cal, d))).toBe(true)
    const children = [view.children.find((c) => c.enrolmentId === mine!.id)!, ...view.children.filter((c) => c.enrolmentId !== mine!.id).slice(0, 3)]
    expect(children.map((c) => c.enrolmentId)).toContain(mine!.id)
    const dayOff = view.days.find((d) => !d.working)!.date
    expect(await b.invoke('attendance.mark', { marks: [{ enrolmentId: mine!.id, date: dayOff, status: 'present' }] })).toMatchObject({
      ok: false,
      error: { code: 'attendance_not_working_day' },
    })

    // the store goes away: marks are queued with their effects
    await central.stop()
    const marks: Array<Record<string, unknown>> = []
    let total = 0
    for (const c of children) {
      const days = expectedDays(cal, month, { id: c.enrolmentId, kindergartenId: 'kg-solnyshko', enrolledOn: c.enrolledOn, departedOn: c.departedOn })
      total += days.length
      if (c.enrolmentId === mine!.id && days.length > 3) {
        marks.push({ enrolmentId: c.enrolmentId, date: days[0], to: days[2], status: 'absent', reason: 'illness', document: { fileName: 'справка.pdf', base64: PDF.toString('base64') } })
        for (const d of days.slice(3)) marks.push({ enrolmentId: c.enrolmentId, date: d, status: d.endsWith('5') ? 'absent' : 'present', ...(d.endsWith('5') ? { reason: 'family_leave' } : {}) })
      } else for (const d of days.slice(0, -1)) marks.push({ enrolmentId: c.enrolmentId, date: d, status: 'present' })
    }
    const r = await ok(b.invoke('attendance.mark', { marks: marks as never }))
    expect(r.days).toBeGreaterThan(0)
    expect(r.days).toBeLessThan(total) // one unmarked day per other child
    const offline = await ok(b.invoke('attendance.month', { groupId, month }))
    expect(offline.pending).toBe(true)
    const cells = offline.children.find((c) => c.enrolmentId === mine!.id)!.marks
    expect(Object.values(cells).filter((m) => m.reason === 'illness' && m.pending)).toHaveLength(3)

    // back online: the certificate is uploaded, then the command applied once
    await central.restart()
    await synced()
    expect((await ok(b.invoke('sync.status', {}))).problems).toBe(0)
    const online = await ok(b.invoke('attendance.month', { groupId, month }))
    expect(online.pending).toBe(false)
    const [blob] = await central.query<{ n: string }>('select count(*)::text as n from attachment_blobs where sha256 = $1', [createHash('sha256').update(PDF).digest('hex')])
    expect(blob!.n).toBe('1')
    const stored = await central.query<{ n: string }>(`select count(*)::text as n from attendance_marks where kindergarten_id = 'kg-solnyshko'`)
    expect(Number(stored[0]!.n)).toBe(r.days)

    // the funding sheet over the mirror (SQL) equals core's function over the store's rows
    const enrolments = await central.query<{ id: string; enrolled_at: Date; departed_at: Date | null }>(
      `select id, enrolled_at, departed_at from enrolments where kindergarten_id = 'kg-solnyshko'`,
    )
    const kids: FundingChild[] = enrolments.map((e) => ({
      id: e.id,
      kindergartenId: 'kg-solnyshko',
      enrolledOn: localDate(new Date(e.enrolled_at).getTime()),
      departedOn: e.departed_at ? localDate(new Date(e.departed_at).getTime()) : null,
    }))
    const storeMarks = await central.query<{ enrolment_id: string; date: string; status: 'present' | 'absent'; reason: string | null }>(
      `select enrolment_id, to_char(date, 'YYYY-MM-DD') as date, status, reason from attendance_marks where kindergarten_id = 'kg-solnyshko'`,
    )
    const coreMarks: AttendanceMark[] = storeMarks.map((m) => ({ enrolmentId: m.enrolment_id, date: m.date, status: m.status, reason: m.reason as never }))
    const [expected] = fundingSheet(cal, month, kids, coreMarks, () => ({ unit: 'month', amountTenge: 47_500 }))
    const sheet = await ok(b.invoke('attendance.funding', { month }))
    expect(sheet.rows).toHaveLength(1)
    const { kindergartenName: _n, kindergartenType, districtId: _d, ...row } = sheet.rows[0]!
    expect(kindergartenType).toBe('private_state_order')
    expect(row).toEqual(expected)
    expect(row.absent.illness).toBe(3)
    expect(row.amountTiyn).toBeGreaterThan(0)
    expect(sheet.totals.attended).toBe(row.attended)
    // and the store's own SQL gives the same row
    expect(await storeFundingSheet(central.server().database.db, cal, month, { kindergartenId: 'kg-solnyshko' })).toEqual([expected])

    // the head closes the month (signed); further marks are refused on the workstation
    await ok(b.invoke('attendance.close', { month, key: signKey() }))
    await synced()
    const closed = await ok(b.invoke('attendance.month', { groupId, month }))
    expect(closed).toMatchObject({ state: 'closed', canMark: false, canClose: false, pending: false })
    expect(closed.windowEnd).not.toBeNull()
    const again = await b.invoke('attendance.mark', { marks: [{ enrolmentId: mine!.id, date: expectedDays(cal, month, { id: mine!.id, kindergartenId: 'kg-solnyshko', enrolledOn: closed.children[0]!.enrolledOn })[0]!, status: 'present' }] })
    expect(again).toMatchObject({ ok: false })
  }, 180_000)
})
