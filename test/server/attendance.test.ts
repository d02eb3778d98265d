/**
 * The attendance register in the central store (issue 11): marks refused on a day off, in
 * the future, outside the enrolment and by another kindergarten; an absence period with a
 * certificate entered once; the signed month close notifies the parents; one parent
 * approves and one disputes through the portal API; the clerk resolves the dispute
 * (signed); the sweeper locks the month after the parents' window (once); after the lock
 * the kindergarten's marks are refused and the clerk's signed correction is accepted and
 * audited. Real PGlite, real demo keys and CMS.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHash } from 'node:crypto'
import { sql } from 'kysely'
import { addWorkingDays, isWorkingDay, kzCalendar as cal } from '../../src/core/calendar'
import { expectedDays, monthBounds, monthOf } from '../../src/core/attendance'
import { addDays, localDate } from '../../src/core/time'
import { verifyAuditChain } from '../../src/server/audit'
import { demoPerson } from '../../src/eds/demo/people'
import {
  allChanges,
  BACKENDS,
  parentSession,
  staffClient,
  startStore,
  type Client,
  type Parent,
  type TestStore,
} from './helpers'

const PDF = Buffer.concat([
  Buffer.from('%PDF-1.4\n'),
  Buffer.alloc(1500, 0x20),
  Buffer.from('\n%%EOF\n'),
])
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')

describe.each(BACKENDS)('attendance register in the store (%s)', (backend) => {
  let s: TestStore
  let staff: Client
  let foreign: Client
  let clerk: Client
  let approver: Parent
  let disputer: Parent
  let month: string
  let today: string
  const enr: Record<
    string,
    { id: string; enrolledOn: string; kindergartenId: string; departedOn: null }
  > = {}
  const db = () => s.server.database.db

  beforeAll(async () => {
    s = await startStore(backend)
    staff = await staffClient(s, 'solnyshko-head')
    foreign = await staffClient(s, 'baldyrgan-head')
    clerk = await staffClient(s, 'clerk-saparova')
    approver = await parentSession(s, 'parent-akhmetov')
    disputer = await parentSession(s, 'parent-sultanova')
    today = localDate(s.clock.now().getTime())
    month = monthOf(addDays(`${today.slice(0, 7)}-01`, -1)) // the month before this one
    for (const p of ['parent-akhmetov', 'parent-sultanova']) {
      const r = await sql<
        Record<string, any>
      >`select e.id, e.kindergarten_id, e.enrolled_at from enrolments e
          join children c on c.id = e.child_id join applicants a on a.id = c.applicant_id
         where a.iin = ${demoPerson(p).iin} and e.departed_at is null`.execute(db())
      const e = r.rows[0]!
      enr[p] = {
        id: e.id,
        kindergartenId: e.kindergarten_id,
        enrolledOn: localDate(new Date(e.enrolled_at).getTime()),
        departedOn: null,
      }
    }
  })
  afterAll(async () => s?.close())

  it('the demo seed gives the demo parents a child attending a private state-order kindergarten, with its rate', async () => {
    expect(enr['parent-akhmetov']!.kindergartenId).toBe('kg-solnyshko')
    expect(enr['parent-sultanova']!.kindergartenId).toBe('kg-solnyshko')
    const k = await sql<{
      type: string
    }>`select type from kindergartens where id = 'kg-solnyshko'`.execute(db())
    expect(k.rows[0]!.type).toBe('private_state_order')
    const feed = await allChanges(s, staff.token)
    expect(
      feed.rows.find((r: any) => r.entity === 'attendance_rate' && r.id === 'kg:kg-solnyshko')
        ?.data,
    ).toMatchObject({ unit: 'month', amount_tenge: 47_500 })
  })

  it('ATT1/ATT2: refuses a day off, the future, a day outside the enrolment, another kindergarten', async () => {
    const e = enr['parent-akhmetov']!
    const { first, last } = monthBounds(month)
    let dayOff = first
    while (isWorkingDay(cal, dayOff)) dayOff = addDays(dayOff, 1)
    const code = async (c: Client, date: string) =>
      (await c.one('attendance.mark', { marks: [{ enrolmentId: e.id, date, status: 'present' }] }))
        .code
    expect(await code(staff, dayOff)).toBe('attendance_not_working_day')
    expect(await code(staff, addDays(today, 1))).toBe('attendance_future_day')
    expect(await code(staff, addWorkingDays(cal, e.enrolledOn, -1))).toBe('attendance_not_enrolled')
    const day = expectedDays(cal, month, e)[0]!
    expect(await code(foreign, day)).toBe('attendance_not_own_child')
    expect(last >= day).toBe(true)
  })

  it('ATT3: marks a month, an illness period with a certificate entered once', async () => {
    const a = enr['parent-akhmetov']!
    const b = enr['parent-sultanova']!
    const daysA = expectedDays(cal, month, a)
    const daysB = expectedDays(cal, month, b)
    expect(daysA.length).toBeGreaterThan(4)
    // the certificate is uploaded first, like contract scans
    const up = await s.server.app.inject({
      method: 'PUT',
      url: `/v1/attachments/${sha(PDF)}`,
      headers: { authorization: `Bearer ${staff.token}`, 'content-type': 'application/pdf' },
      payload: PDF,
    })
    expect(up.statusCode).toBe(200)
    const ill = daysA.slice(1, 4)
    const marks = [
      ...daysA
        .filter((d) => !ill.includes(d))
        .map((date) => ({ enrolmentId: a.id, date, status: 'present' })),
      {
        enrolmentId: a.id,
        date: ill[0],
        to: ill[2],
        status: 'absent',
        reason: 'illness',
        documentSha256: sha(PDF),
      },
      ...daysB.map((date) => ({ enrolmentId: b.id, date, status: 'present' })),
    ]
    const r = await staff.one('attendance.mark', { marks })
    expect(r).toMatchObject({ status: 'accepted', result: { days: daysA.length + daysB.length } })
    const rows = await sql<
      Record<string, any>
    >`select to_char(date, 'YYYY-MM-DD') as date, status, reason, document_sha256
        from attendance_marks where enrolment_id = ${a.id} order by date`.execute(db())
    expect(rows.rows).toHaveLength(daysA.length)
    expect(rows.rows.filter((x) => x.reason === 'illness').map((x) => x.date)).toEqual(ill)
    expect(rows.rows.find((x) => x.reason === 'illness')!.document_sha256).toBe(sha(PDF))
    // the rows reach the kindergarten's and the clerk's mirrors, not another kindergarten's
    const own = (await allChanges(s, staff.token)).rows.filter(
      (x: any) => x.entity === 'attendance_mark',
    )
    const clerks = (await allChanges(s, clerk.token)).rows.filter(
      (x: any) => x.entity === 'attendance_mark',
    )
    const other = (await allChanges(s, foreign.token)).rows.filter(
      (x: any) => x.entity === 'attendance_mark',
    )
    expect(own.length).toBe(daysA.length + daysB.length)
    expect(clerks.length).toBe(own.length)
    expect(other).toHaveLength(0)
    expect(own.find((x: any) => x.id === `${a.id}:${ill[0]}`).data).toMatchObject({
      status: 'absent',
      reason: 'illness',
      date: ill[0],
    })
    // the certificate is readable by the kindergarten that holds it
    const got = await s.server.app.inject({
      method: 'GET',
      url: `/v1/attachments/${sha(PDF)}`,
      headers: { authorization: `Bearer ${staff.token}` },
    })
    expect(got.statusCode).toBe(200)
  })

  it('ATT4: the close is a signed act, notifies the parents, and stops the marks', async () => {
    expect((await staff.one('attendance.close_month', { month })).code).toBe('signature_required')
    expect(
      (await staff.one('attendance.close_month', { month: monthOf(today) }, { sign: true })).code,
    ).toBe('attendance_month_not_over')
    // a methodist with the right to sign is not the head
    const methodist = await staffClient(s, 'solnyshko-methodist')
    expect((await methodist.one('attendance.close_month', { month }, { sign: true })).code).toBe('attendance_close_head_only')
    const r = await staff.one('attendance.close_month', { month }, { sign: true })
    expect(r.status).toBe('accepted')
    expect((await staff.one('attendance.close_month', { month }, { sign: true })).code).toBe(
      'attendance_month_already_closed',
    )
    const act = await sql<
      Record<string, any>
    >`select l.type from legal_acts l where l.type = 'attendance.close_month'`.execute(db())
    expect(act.rows).toHaveLength(1)
    const n = await sql<
      Record<string, any>
    >`select recipient_iin, text_kk, text_ru from notifications_outbox
        where event = 'attendance_month_closed' and recipient_iin in (${demoPerson('parent-akhmetov').iin}, ${demoPerson('parent-sultanova').iin})`.execute(
      db(),
    )
    expect(n.rows).toHaveLength(2)
    expect(n.rows[0]!.text_ru).toContain('табель')
    expect(n.rows[0]!.text_kk).toContain('табел')
    const e = enr['parent-akhmetov']!
    const again = await staff.one('attendance.mark', {
      marks: [{ enrolmentId: e.id, date: expectedDays(cal, month, e)[0], status: 'present' }],
    })
    expect(again.code).toBe('attendance_month_closed')
  })

  it('ATT5/ATT6: one parent approves, one disputes through the portal; the clerk resolves, signed', async () => {
    const a = enr['parent-akhmetov']!
    const b = enr['parent-sultanova']!
    const list = await approver.get('/v1/portal/attendance')
    const mine = list.months.find((m: any) => m.month === month && m.enrolmentId === a.id)
    expect(mine).toMatchObject({ state: 'closed', answer: null })
    expect(mine.marks.filter((m: any) => m.reason === 'illness')).toHaveLength(3)
    expect(list.months.some((m: any) => m.enrolmentId === b.id)).toBe(false) // another parent's child
    expect(
      (await approver.post(`/v1/portal/attendance/${b.id}/${month}/answer`, { answer: 'approve' }))
        .body.code,
    ).toBe('forbidden_object')
    expect(
      (await approver.post(`/v1/portal/attendance/${a.id}/${month}/answer`, { answer: 'approve' }))
        .status,
    ).toBe(200)
    expect(
      (
        await approver.post(`/v1/portal/attendance/${a.id}/${month}/answer`, {
          answer: 'dispute',
          comment: 'changed my mind',
        })
      ).body.code,
    ).toBe('attendance_already_answered')
    expect(
      (await disputer.post(`/v1/portal/attendance/${b.id}/${month}/answer`, { answer: 'dispute' }))
        .body.code,
    ).toBe('attendance_dispute_comment_required')
    const d = await disputer.post(`/v1/portal/attendance/${b.id}/${month}/answer`, {
      answer: 'dispute',
      comment: 'She was ill on the first day',
    })
    expect(d.status).toBe(200)
    const disputeId = `${b.id}:${month}`
    const feed = (await allChanges(s, clerk.token)).rows.filter(
      (x: any) => x.entity === 'attendance_answer',
    )
    expect(feed.find((x: any) => x.id === disputeId)?.data).toMatchObject({
      answer: 'dispute',
      dispute_status: 'open',
    })
    expect(
      (
        await staff.one(
          'attendance.resolve_dispute',
          { disputeId, decision: 'upheld', reason: 'certificate seen' },
          { sign: true },
        )
      ).code,
    ).toBe('forbidden_command')
    expect(
      (
        await clerk.one('attendance.resolve_dispute', {
          disputeId,
          decision: 'upheld',
          reason: 'certificate seen',
        })
      ).code,
    ).toBe('signature_required')
    expect(
      (
        await clerk.one(
          'attendance.resolve_dispute',
          { disputeId, decision: 'upheld', reason: 'ok' },
          { sign: true },
        )
      ).code,
    ).toBe('attendance_reason_required')
    const r = await clerk.one(
      'attendance.resolve_dispute',
      { disputeId, decision: 'upheld', reason: 'certificate seen' },
      { sign: true },
    )
    expect(r.status).toBe('accepted')
    expect(
      (
        await clerk.one(
          'attendance.resolve_dispute',
          { disputeId, decision: 'rejected', reason: 'second thoughts' },
          { sign: true },
        )
      ).code,
    ).toBe('attendance_dispute_resolved')
    const n =
      await sql`select 1 from notifications_outbox where event = 'attendance_dispute_upheld' and recipient_iin = ${demoPerson('parent-sultanova').iin}`.execute(
        db(),
      )
    expect(n.rows).toHaveLength(1)
  })

  it('ATT5: the sweeper locks the month after the window, once', async () => {
    const m = await sql<
      Record<string, any>
    >`select window_end, locked_at from attendance_months where id = ${`kg-solnyshko:${month}`}`.execute(
      db(),
    )
    expect(m.rows[0]!.locked_at).toBeNull() // other children of the kindergarten have not answered
    expect((await s.server.sweep()).attendanceLocked).toBe(0)
    s.clock.set(new Date(new Date(m.rows[0]!.window_end).getTime() + 1000))
    expect((await s.server.sweep()).attendanceLocked).toBe(1)
    expect((await s.server.sweep()).attendanceLocked).toBe(0)
    const after = await sql<
      Record<string, any>
    >`select locked_at from attendance_months where id = ${`kg-solnyshko:${month}`}`.execute(db())
    expect(after.rows[0]!.locked_at).not.toBeNull()
    // sessions idled out while the clock moved: sign in again
    staff = await staffClient(s, 'solnyshko-head')
    clerk = await staffClient(s, 'clerk-saparova')
    const feed = (await allChanges(s, staff.token)).rows.filter(
      (x: any) => x.entity === 'attendance_month',
    )
    expect(feed.at(-1).data.locked_at).not.toBeNull()
  })

  it('ATT7: after the lock the kindergarten is refused; the clerk corrects with a reason, signed and audited', async () => {
    const b = enr['parent-sultanova']!
    const day = expectedDays(cal, month, b)[0]!
    const item = { enrolmentId: b.id, date: day, status: 'absent', reason: 'illness' }
    expect((await staff.one('attendance.mark', { marks: [item] })).code).toBe(
      'attendance_month_locked',
    )
    expect(
      (
        await staff.one(
          'attendance.correct',
          { ...item, correctionReason: 'certificate' },
          { sign: true },
        )
      ).code,
    ).toBe('forbidden_command')
    expect(
      (await clerk.one('attendance.correct', { ...item, correctionReason: 'x' }, { sign: true }))
        .code,
    ).toBe('attendance_reason_required')
    const r = await clerk.one(
      'attendance.correct',
      { ...item, correctionReason: 'dispute upheld: certificate seen' },
      { sign: true },
    )
    expect(r).toMatchObject({ status: 'accepted', result: { days: 1 } })
    const row = await sql<
      Record<string, any>
    >`select status, reason, corrected_by, correction_reason, marked_by from attendance_marks
        where id = ${`${b.id}:${day}`}`.execute(db())
    expect(row.rows[0]).toMatchObject({
      status: 'absent',
      reason: 'illness',
      corrected_by: demoPerson('clerk-saparova').iin,
      correction_reason: 'dispute upheld: certificate seen',
    })
    expect(row.rows[0]!.marked_by).toBe(demoPerson('solnyshko-head').iin)
    const audit = await sql<
      Record<string, any>
    >`select signature from audit_log where type = 'attendance.correct'`.execute(db())
    expect(audit.rows).toHaveLength(1)
    expect(audit.rows[0]!.signature).toMatch(/^[0-9a-f]{64}$/)
    const lockAudit =
      await sql`select 1 from audit_log where type = 'timer.attendance_locked'`.execute(db())
    expect(lockAudit.rows).toHaveLength(1)
    expect((await verifyAuditChain(db())).ok).toBe(true)
    // the absence had a certificate: a corrected reason keeps it, a correction to present drops it
    // (ATT3's certificate, uploaded to the store)
    const sha = (
      await sql<
        Record<string, any>
      >`select document_sha256 from attendance_marks where document_sha256 is not null limit 1`.execute(
        db(),
      )
    ).rows[0]!.document_sha256 as string
    await sql`update attendance_marks set document_sha256 = ${sha} where id = ${`${b.id}:${day}`}`.execute(
      db(),
    )
    const docOf = async () =>
      (
        await sql<
          Record<string, any>
        >`select document_sha256 from attendance_marks where id = ${`${b.id}:${day}`}`.execute(db())
      ).rows[0]!.document_sha256
    expect(
      (
        await clerk.one(
          'attendance.correct',
          { ...item, reason: 'quarantine', correctionReason: 'quarantine order seen' },
          { sign: true },
        )
      ).status,
    ).toBe('accepted')
    expect(await docOf()).toBe(sha)
    expect(
      (
        await clerk.one(
          'attendance.correct',
          {
            enrolmentId: b.id,
            date: day,
            status: 'present',
            correctionReason: 'was present after all',
          },
          { sign: true },
        )
      ).status,
    ).toBe('accepted')
    expect(await docOf()).toBeNull()
  })

  it("ATT8: an admin sets a type's rate; it reaches the kindergartens of the type and the region", async () => {
    const admin = await staffClient(s, 'admin-serikbaev')
    const cur = (await allChanges(s, staff.token)).cursor
    const curClerk = (await allChanges(s, clerk.token)).cursor
    expect(
      (
        await staff.one('attendance.set_rate', {
          kindergartenType: 'private_state_order',
          unit: 'day',
          amountTenge: 2400,
        })
      ).code,
    ).toBe('forbidden_command')
    const r = await admin.one('attendance.set_rate', {
      kindergartenType: 'private_state_order',
      unit: 'day',
      amountTenge: 2400.5,
    })
    expect(r.status).toBe('accepted')
    const own = (await allChanges(s, staff.token, cur)).rows.filter(
      (x: any) => x.entity === 'attendance_rate',
    )
    expect(own.map((x: any) => x.id)).toEqual(['kg:kg-solnyshko'])
    expect(own[0].data).toMatchObject({ unit: 'day', amount_tenge: 2400.5 })
    const region = (await allChanges(s, clerk.token, curClerk)).rows.filter(
      (x: any) => x.entity === 'attendance_rate' && !x.id.startsWith('kg:'),
    )
    expect(region.map((x: any) => x.id)).toContain('almaty:private_state_order')
    const removed = await admin.one('attendance.set_rate', {
      kindergartenType: 'private_state_order',
      unit: 'day',
      amountTenge: null,
    })
    expect(removed.status).toBe('accepted')
    const gone = (await allChanges(s, staff.token, cur)).rows.filter(
      (x: any) => x.entity === 'attendance_rate',
    )
    expect(gone.at(-1)).toMatchObject({ id: 'kg:kg-solnyshko', op: 'delete' })
  })
})
