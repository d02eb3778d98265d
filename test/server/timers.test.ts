import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { randomUUID } from 'node:crypto'
import { createServer, type StoreServer } from '../../src/server/app'
import { BACKENDS, parentSession, staffClient, startStore, type TestStore } from './helpers'
import { bid, fileApplication, publish, year } from './fixtures'
import { t7InactiveUntil } from '../../src/core/timers'

const DAY = 86_400_000

async function snapshot(s: TestStore): Promise<string> {
  const db = s.server.database.db
  const q = async (t: string) =>
    (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(t)}`.execute(db)).rows[0]!
      .n
  const apps = await sql<{
    h: string
  }>`select md5(string_agg(id || status || coalesce(stop_list_until::text, '') || lapsed_referrals, ',' order by id)) as h from applications`.execute(
    db,
  )
  const refs = await sql<{
    h: string
  }>`select md5(string_agg(id || status, ',' order by id)) as h from referrals`.execute(db)
  const vac = await sql<{
    h: string
  }>`select md5(string_agg(id || taken || status, ',' order by id)) as h from vacancies`.execute(db)
  return JSON.stringify([
    await q('change_log'),
    await q('audit_log'),
    await q('notifications_outbox'),
    apps.rows[0]!.h,
    refs.rows[0]!.h,
    vac.rows[0]!.h,
  ])
}

describe.each(BACKENDS)('timers (%s)', (backend) => {
  let s: TestStore
  let second: StoreServer
  beforeAll(async () => {
    s = await startStore(backend, { scale: 100 })
    second = await createServer({
      db: backend === 'pg' ? s.dbConfig : { kind: 'shared', database: s.server.database },
      clock: s.clock,
      eds: s.eds,
      sweepEveryMs: 0,
      deliverEveryMs: 0,
    })
  })
  // certificates and the demo CRL are real: each case starts at the real time
  beforeEach(() => s.clock.set(new Date()))
  afterAll(async () => {
    await second?.close()
    await s?.close()
  })

  async function issueReferral(): Promise<{
    appId: string
    referralId: string
    vacancyId: string
  }> {
    const Y = year(s)
    const staff = await staffClient(s, 'baldyrgan-head')
    const parent = await parentSession(s, 'parent-akhmetov')
    const app = await fileApplication(parent, Y - 2, { language: 'ru' })
    await staff.one('group.set_capacity', { groupId: 'kg-baldyrgan-g2', capacity: 60 })
    const vacancyId = await publish(staff, 'kg-baldyrgan-g2', Y - 2, 1)
    const bidId = await bid(parent, vacancyId, app.id)
    const referralId = `R-${randomUUID().slice(0, 8)}`
    const a = await staff.one('bid.activate', { bidId, referralId }, { sign: true })
    expect(a.status).toBe('accepted')
    return { appId: app.id, referralId, vacancyId }
  }

  it('T2: an unused referral lapses, the place returns, the application goes to the stop-list; a second sweep at the same instant changes nothing', async () => {
    const { appId, referralId, vacancyId } = await issueReferral()
    const db = s.server.database.db
    const ref = await db
      .selectFrom('referrals')
      .selectAll()
      .where('id', '=', referralId)
      .executeTakeFirstOrThrow()
    // not yet due
    s.clock.set(new Date(new Date(ref.expires_at).getTime() - 1000))
    await s.server.sweep()
    expect(
      (
        await db
          .selectFrom('referrals')
          .select('status')
          .where('id', '=', referralId)
          .executeTakeFirstOrThrow()
      ).status,
    ).toBe('active')
    // due
    s.clock.set(new Date(new Date(ref.expires_at).getTime() + 1000))
    const r1 = await s.server.sweep()
    expect(r1.referralsLapsed).toBeGreaterThanOrEqual(1)
    const snap = await snapshot(s)
    const r2 = await s.server.sweep()
    expect(r2).toEqual({
      referralsLapsed: 0,
      removedFromQueue: 0,
      stopListReleased: 0,
      vouchersCancelled: 0,
      vouchersExpired: 0,
      turnsLapsed: 0,
      inactiveArchived: 0,
      interestInactivated: 0,
      attendanceLocked: 0,
    })
    expect(await snapshot(s)).toBe(snap)
    const app = await db
      .selectFrom('applications')
      .selectAll()
      .where('id', '=', appId)
      .executeTakeFirstOrThrow()
    expect(app.status).toBe('in_queue')
    expect(app.lapsed_referrals).toBe(1)
    expect(new Date(app.stop_list_until).getTime()).toBeGreaterThan(
      s.clock.now().getTime() + 10 * DAY,
    )
    const v = await db
      .selectFrom('vacancies')
      .selectAll()
      .where('id', '=', vacancyId)
      .executeTakeFirstOrThrow()
    expect(v.taken).toBe(0)
    expect(v.status).toBe('published')
    const out = await db
      .selectFrom('notifications_outbox')
      .select('event')
      .where('application_id', '=', appId)
      .orderBy('id')
      .execute()
    expect(out.map((o) => o.event)).toContain('referral_lapsed_stop_list')
    // while on the stop-list no new bid is possible
    const parent = await parentSession(s, 'parent-akhmetov')
    const again = await parent.post('/v1/portal/bids', {
      bidId: `B-${randomUUID().slice(0, 6)}`,
      vacancyId,
      applicationId: appId,
    })
    expect(again.body.code).toBe('stop_listed') // src/core's code
    // the stop-list ends by itself
    s.clock.set(new Date(new Date(app.stop_list_until).getTime() + 1000))
    expect((await s.server.sweep()).stopListReleased).toBeGreaterThanOrEqual(1)
    expect(
      (
        await db
          .selectFrom('applications')
          .select('stop_list_until')
          .where('id', '=', appId)
          .executeTakeFirstOrThrow()
      ).stop_list_until,
    ).toBeNull()
  })

  it('T3: a second lapsed referral removes the child from the queue', async () => {
    const { appId, referralId } = await issueReferral()
    const db = s.server.database.db
    await sql`update applications set lapsed_referrals = 1 where id = ${appId}`.execute(db)
    const ref = await db
      .selectFrom('referrals')
      .selectAll()
      .where('id', '=', referralId)
      .executeTakeFirstOrThrow()
    s.clock.set(new Date(new Date(ref.expires_at).getTime() + 1000))
    const r = await s.server.sweep()
    expect(r.removedFromQueue).toBe(1)
    expect(
      (
        await db
          .selectFrom('applications')
          .select('status')
          .where('id', '=', appId)
          .executeTakeFirstOrThrow()
      ).status,
    ).toBe('removed')
  })

  it('two instances sweeping at the same instant apply each transition once', async () => {
    const a = await issueReferral()
    const b = await issueReferral()
    const db = s.server.database.db
    const refs = await db
      .selectFrom('referrals')
      .select(['expires_at'])
      .where('id', 'in', [a.referralId, b.referralId])
      .execute()
    const latest = Math.max(...refs.map((r) => new Date(r.expires_at).getTime()))
    s.clock.set(new Date(latest + 1000))
    const before = (
      await sql<{
        n: number
      }>`select count(*)::int as n from audit_log where type = 'timer.referral_lapsed'`.execute(db)
    ).rows[0]!.n
    const [r1, r2] = await Promise.all([s.server.sweep(), second.sweep()])
    expect(r1.referralsLapsed + r2.referralsLapsed).toBe(2)
    const after = (
      await sql<{
        n: number
      }>`select count(*)::int as n from audit_log where type = 'timer.referral_lapsed'`.execute(db)
    ).rows[0]!.n
    expect(after - before).toBe(2)
  })

  it('T1: a notified turn not used in 3 working days goes back to the queue, keeping its number', async () => {
    const Y = year(s)
    const parent = await parentSession(s, 'parent-smirnov')
    const app = await fileApplication(parent, Y - 5, { queueType: 'sanatorium', language: 'ru' })
    const clerk = await staffClient(s, 'clerk-saparova')
    const n = await clerk.one('turn.notify', { applicationId: app.id })
    expect(n.status).toBe('accepted')
    const db = s.server.database.db
    const a1 = await db
      .selectFrom('applications')
      .selectAll()
      .where('id', '=', app.id)
      .executeTakeFirstOrThrow()
    expect(a1.status).toBe('notified')
    expect(new Date(a1.turn_deadline).toISOString()).toBe(n.result.deadline)
    s.clock.set(new Date(new Date(a1.turn_deadline).getTime() + 1000))
    expect((await s.server.sweep()).turnsLapsed).toBe(1)
    expect((await s.server.sweep()).turnsLapsed).toBe(0)
    const a2 = await db
      .selectFrom('applications')
      .selectAll()
      .where('id', '=', app.id)
      .executeTakeFirstOrThrow()
    expect(a2.status).toBe('in_queue')
    expect(a2.number).toBe(a1.number)
    expect(new Date(a2.registered_at).getTime()).toBe(new Date(a1.registered_at).getTime())
    const out = await db
      .selectFrom('notifications_outbox')
      .select('event')
      .where('application_id', '=', app.id)
      .orderBy('id')
      .execute()
    expect(out.map((o) => o.event)).toEqual(['queue_accepted', 'turn_came', 'turn_lapsed'])
  })

  it('T7: a voucher whose interest was not confirmed in 2 working days is cancelled; the application becomes inactive', async () => {
    const Y = year(s)
    const parent = await parentSession(s, 'parent-sultanova')
    const app = await fileApplication(parent, Y - 4, {
      queueType: 'special_voucher',
      correctionType: 'speech',
    })
    const pmpk = await staffClient(s, 'pmpk-sidorenko')
    expect(
      (
        await pmpk.one(
          'review.confirm',
          { decisionId: `D-${randomUUID().slice(0, 6)}`, applicationId: app.id },
          { sign: true },
        )
      ).status,
    ).toBe('accepted')
    const clerk = await staffClient(s, 'clerk-saparova')
    const voucherId = `VO-${randomUUID().slice(0, 6)}`
    expect((await clerk.one('voucher.issue', { voucherId, applicationId: app.id })).status).toBe(
      'accepted',
    )
    const db = s.server.database.db
    const v = await db
      .selectFrom('vouchers')
      .selectAll()
      .where('id', '=', voucherId)
      .executeTakeFirstOrThrow()
    s.clock.set(new Date(new Date(v.confirm_by).getTime() + 1000))
    const r = await s.server.sweep()
    expect(r.vouchersCancelled).toBe(1)
    expect((await s.server.sweep()).vouchersCancelled).toBe(0)
    expect(
      (
        await db
          .selectFrom('applications')
          .select('status')
          .where('id', '=', app.id)
          .executeTakeFirstOrThrow()
      ).status,
    ).toBe('inactive')
    // the parent can no longer confirm
    const p2 = await parentSession(s, 'parent-sultanova')
    const late = await p2.post(`/v1/portal/vouchers/${voucherId}/confirm`, {})
    expect(late.status).toBe(409)
    // restorable for 28 calendar days counted from the missed deadline (src/core's T7),
    // whenever the sweep ran; not restored in time → archived, not back in the queue
    const a = await db
      .selectFrom('applications')
      .selectAll()
      .where('id', '=', app.id)
      .executeTakeFirstOrThrow()
    const until = t7InactiveUntil(new Date(v.confirm_by).toISOString())
    expect(new Date(a.stop_list_until).toISOString()).toBe(until)
    s.clock.set(new Date(Date.parse(until) - 1000))
    expect((await s.server.sweep()).inactiveArchived).toBe(0)
    s.clock.set(new Date(Date.parse(until) + 1000))
    const r3 = await s.server.sweep()
    expect(r3.inactiveArchived).toBe(1)
    expect(r3.stopListReleased).toBe(0)
    expect((await s.server.sweep()).inactiveArchived).toBe(0)
    const gone = await db
      .selectFrom('applications')
      .selectAll()
      .where('id', '=', app.id)
      .executeTakeFirstOrThrow()
    expect(gone.status).toBe('archived')
    expect(gone.stop_list_until).toBeNull()
    const out = await db
      .selectFrom('notifications_outbox')
      .select('event')
      .where('application_id', '=', app.id)
      .orderBy('id')
      .execute()
    expect(out.map((o) => o.event).slice(-1)).toEqual(['application_archived'])
  })
})
