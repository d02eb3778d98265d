/**
 * Rules of domain.md that the store applies through src/core beyond single commands:
 * the queue order at activation (1:3 and registration time), a returned place reopening
 * to the queue (core's returnPlace), a private state-order choice taking the application
 * out of the queue (R9) with its consequence when the referral is lost, and the sweeper
 * giving the same result as core's own `runDue` on the same state.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { runDue } from '../../src/core/due'
import { worldOf } from '../../src/core/model'
import { loadCalendar } from '../../src/server/calendar'
import { vacancyPhase, worldOfApplication } from '../../src/server/commands/core-world'
import { KgDirectory } from '../../src/server/scope'
import { runWork } from '../../src/server/work'
import { BACKENDS, parentSession, staffClient, startStore, type TestStore } from './helpers'
import { bid, fileApplication, publish, year } from './fixtures'

describe.each(BACKENDS)('store rules through src/core (%s)', (backend) => {
  let s: TestStore
  beforeAll(async () => {
    s = await startStore(backend, { scale: 100 })
  })
  beforeEach(() => s.clock.set(new Date()))
  afterAll(async () => s?.close())
  const db = () => s.server.database.db

  it('activation keeps the queue order: a later bid ahead of an earlier one needs a signed reason, which is kept', async () => {
    const Y = year(s)
    const staff = await staffClient(s, 'aigolek-head')
    const parent = await parentSession(s, 'parent-zhumabekov')
    await staff.one('group.set_capacity', { groupId: 'kg-aigolek-g2', capacity: 60 })
    const first = await fileApplication(parent, Y - 2, { language: 'ru' })
    s.clock.advance(60_000)
    const second = await fileApplication(parent, Y - 2, { language: 'ru' })
    const vac = await publish(staff, 'kg-aigolek-g2', Y - 2, 2)
    await bid(parent, vac, first.id)
    const late = await bid(parent, vac, second.id)
    const refused = await staff.one(
      'bid.activate',
      { bidId: late, referralId: `R-${randomUUID().slice(0, 8)}` },
      { sign: true },
    )
    expect(refused).toMatchObject({
      status: 'rejected',
      code: 'out_of_rank_reason_required',
      params: { rank: 2 },
    })
    const referralId = `R-${randomUUID().slice(0, 8)}`
    const ok = await staff.one(
      'bid.activate',
      { bidId: late, referralId, outOfRankReason: 'Бауырлас бала осы топта' },
      { sign: true },
    )
    expect(ok.status).toBe('accepted')
    const kept = await sql<{ out_of_rank_reason: string | null }>`
      select out_of_rank_reason from bids where id = ${late}`.execute(db())
    expect(kept.rows[0]?.out_of_rank_reason).toBe('Бауырлас бала осы топта')
  })

  it('a place returned to a filled entry reopens it to the queue with a fresh T1 window (core returnPlace)', async () => {
    const Y = year(s)
    const staff = await staffClient(s, 'baldyrgan-head')
    const parent = await parentSession(s, 'parent-akhmetov')
    await staff.one('group.set_capacity', { groupId: 'kg-baldyrgan-g3', capacity: 60 })
    const app = await fileApplication(parent, Y - 3, { language: 'kk' })
    // opened 10 days ago: open to everyone by now
    const vac = await publish(staff, 'kg-baldyrgan-g3', Y - 3, 1)
    const cal = await loadCalendar(db())
    const row = async () =>
      (await sql<Record<string, any>>`select * from vacancies where id = ${vac}`.execute(db())).rows[0]!
    expect(vacancyPhase(await row(), s.clock.now(), cal).phase).toBe('open_to_all')
    const bidId = await bid(parent, vac, app.id)
    const referralId = `R-${randomUUID().slice(0, 8)}`
    expect((await staff.one('bid.activate', { bidId, referralId }, { sign: true })).status).toBe(
      'accepted',
    )
    expect((await row()).status).toBe('filled')
    // the parent revokes within a day (T5): the place comes back
    const r = await parent.post(`/v1/portal/referrals/${referralId}/revoke`, {})
    expect(r.status).toBe(200)
    const v = await row()
    expect(v.status).toBe('published')
    expect(v.taken).toBe(0)
    expect(new Date(v.queue_opened_at).getTime()).toBe(s.clock.now().getTime())
    expect(vacancyPhase(v, s.clock.now(), cal).phase).toBe('open_to_queue')
  })

  it('R9: a private state-order place takes the application out of the queue; losing the referral then removes it', async () => {
    const Y = year(s)
    const staff = await staffClient(s, 'solnyshko-head')
    const parent = await parentSession(s, 'parent-kuznetsova')
    await staff.one('group.set_capacity', { groupId: 'kg-solnyshko-g3', capacity: 60 })
    const app = await fileApplication(parent, Y - 3, {
      language: 'kk',
      queueType: 'private_state_order',
    })
    const vac = await publish(staff, 'kg-solnyshko-g3', Y - 3, 1)
    const bidId = await bid(parent, vac, app.id)
    const referralId = `R-${randomUUID().slice(0, 8)}`
    expect((await staff.one('bid.activate', { bidId, referralId }, { sign: true })).status).toBe(
      'accepted',
    )
    const a = await sql<Record<string, any>>`select * from applications where id = ${app.id}`.execute(db())
    expect(a.rows[0]).toMatchObject({ status: 'referral_issued', left_queue: true })
    const events = await sql<{ event: string }>`select event from notifications_outbox
        where application_id = ${app.id} order by id`.execute(db())
    expect(events.rows.map((e) => e.event)).toContain('private_order_chosen')
    // the referral lapses (T2): not back to the queue with a stop-list, but removed
    const ref = await sql<{ expires_at: Date }>`select expires_at from referrals where id = ${referralId}`.execute(db())
    s.clock.set(new Date(new Date(ref.rows[0]!.expires_at).getTime() + 1000))
    const r = await s.server.sweep()
    expect(r.referralsLapsed).toBeGreaterThanOrEqual(1)
    const after = await sql<Record<string, any>>`select * from applications where id = ${app.id}`.execute(db())
    expect(after.rows[0]).toMatchObject({ status: 'removed', stop_list_until: null })
  })

  it("the sweeper leaves exactly the state core's runDue computes from the same rows", async () => {
    const Y = year(s)
    const staff = await staffClient(s, 'baldyrgan-head')
    const parent = await parentSession(s, 'parent-ismailova')
    await staff.one('group.set_capacity', { groupId: 'kg-baldyrgan-g4', capacity: 60 })
    const app = await fileApplication(parent, Y - 4, { language: 'ru' })
    const vac = await publish(staff, 'kg-baldyrgan-g4', Y - 4, 1)
    const bidId = await bid(parent, vac, app.id)
    const referralId = `R-${randomUUID().slice(0, 8)}`
    expect((await staff.one('bid.activate', { bidId, referralId }, { sign: true })).status).toBe(
      'accepted',
    )
    const ref = await sql<{ expires_at: Date }>`select expires_at from referrals where id = ${referralId}`.execute(db())
    const at = new Date(new Date(ref.rows[0]!.expires_at).getTime() + 1000)
    s.clock.set(at)
    const cal = await loadCalendar(db())
    const kgs = new KgDirectory()
    // core's answer on the rows as they are
    const load = () =>
      runWork(db(), at, async (w) => {
        const env = { w, actor: {} as any, cal, kgs, signer: null, commandId: 'x' }
        return (await worldOfApplication(env, app.id)).parts
      })
    const expected = runDue(at.toISOString(), worldOf(await load()), cal).state
    await s.server.sweep()
    const got = worldOf(await load())
    const e = expected.applications[app.id]!
    const g = got.applications[app.id]!
    expect(g.status).toBe(e.status)
    expect(g.lapses).toBe(e.lapses)
    expect(g.turnDeadline).toBe(e.turnDeadline)
    const stop = (w: typeof got) =>
      Object.values(w.stopList)
        .filter((x) => x.applicationId === app.id && x.status === 'active')
        .map((x) => x.until)
    expect(stop(got)).toEqual(stop(expected))
    expect(got.referrals[referralId]!.status).toBe(expected.referrals[referralId]!.status)
    expect(got.vacancies[vac]!.freePlaces).toBe(expected.vacancies[vac]!.freePlaces)
    expect(got.vacancies[vac]!.phase).toBe(expected.vacancies[vac]!.phase)
  })
})
