import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { randomUUID } from 'node:crypto'
import {
  allChanges,
  BACKENDS,
  changes,
  parentSession,
  staffClient,
  startStore,
  type TestStore,
} from './helpers'
import { bid, fileApplication, publish, year } from './fixtures'

describe.each(BACKENDS)('change feed (%s)', (backend) => {
  let s: TestStore
  beforeAll(async () => {
    s = await startStore(backend, { scale: 200 })
  })
  afterAll(async () => s?.close())

  it('each role reads only its scope; cursors strictly increase; pages are bounded', async () => {
    const staff = await staffClient(s, 'baldyrgan-head')
    const clerk = await staffClient(s, 'clerk-saparova')
    const pmpk = await staffClient(s, 'pmpk-sidorenko')
    const admin = await staffClient(s, 'admin-serikbaev')
    const all = await allChanges(s, admin.token)
    const mine = await allChanges(s, staff.token)
    const region = await allChanges(s, clerk.token)
    const special = await allChanges(s, pmpk.token)
    expect(all.rows.length).toBeGreaterThan(500)
    for (const r of mine.rows)
      expect(r.data.kindergarten_id ?? r.data.id, `${r.entity} ${r.id}`).toBe('kg-baldyrgan')
    expect(mine.rows.some((r) => r.entity === 'group')).toBe(true)
    expect(mine.rows.some((r) => r.entity === 'application')).toBe(false)
    expect(region.rows.filter((r) => r.entity === 'application').length).toBe(
      all.rows.filter((r) => r.entity === 'application').length,
    )
    expect(special.rows.length).toBeGreaterThan(0)
    for (const r of special.rows)
      expect(r.data.queue_type ?? 'special_voucher').toBe('special_voucher')
    for (const feed of [all, mine, region, special])
      for (let i = 1; i < feed.rows.length; i++)
        expect(feed.rows[i].cursor).toBeGreaterThan(feed.rows[i - 1].cursor)
    const page = await changes(s, admin.token, 0, 10)
    expect(page.changes).toHaveLength(10)
    expect(page.more).toBe(true)
    expect(page.cursor).toBe(page.changes[9].cursor)
    const tooBig = await s.server.app.inject({
      method: 'GET',
      url: '/v1/changes?cursor=0&limit=100000',
      headers: { authorization: `Bearer ${admin.token}` },
    })
    expect(tooBig.statusCode).toBe(400)
    expect(tooBig.json().fields.limit).toBeDefined()
    const parent = await parentSession(s, 'parent-akhmetov')
    expect((await changes(s, parent.token)).changes).toEqual([])
    expect((await s.server.app.inject({ method: 'GET', url: '/v1/changes' })).statusCode).toBe(401)
  })

  it('a referral issued on an out-of-turn privilege stays hidden from the kindergarten until the clerk confirms the documents', async () => {
    const Y = year(s)
    const staff = await staffClient(s, 'baldyrgan-head')
    const clerk = await staffClient(s, 'clerk-saparova')
    const parent = await parentSession(s, 'parent-sultanova')
    const { cursor: start } = await allChanges(s, staff.token)
    const app = await fileApplication(parent, Y - 3, { privilege: 'out_of_turn' })
    await staff.one('group.set_capacity', { groupId: 'kg-baldyrgan-g3', capacity: 60 })
    const vac = await publish(staff, 'kg-baldyrgan-g3', Y - 3, 1)
    const bidId = await bid(parent, vac, app.id)
    const referralId = `R-${randomUUID().slice(0, 8)}`
    expect((await staff.one('bid.activate', { bidId, referralId }, { sign: true })).status).toBe(
      'accepted',
    )
    const before = await allChanges(s, staff.token, start)
    expect(before.rows.some((r) => r.entity === 'referral' && r.id === referralId)).toBe(false)
    expect(await staff.one('referral.mark_arrived', { referralId })).toMatchObject({
      status: 'rejected',
      code: 'not_found',
    })
    // the clerk sees it (region scope) and confirms the privilege
    const clerkFeed = await allChanges(s, clerk.token)
    expect(clerkFeed.rows.some((r) => r.entity === 'referral' && r.id === referralId)).toBe(true)
    expect(
      (await clerk.one('privilege.confirm', { applicationId: app.id }, { sign: true })).status,
    ).toBe('accepted')
    const after = await allChanges(s, staff.token, before.cursor)
    expect(
      after.rows.some(
        (r) => r.entity === 'referral' && r.id === referralId && r.data.hidden === false,
      ),
    ).toBe(true)
    expect((await staff.one('referral.mark_arrived', { referralId })).status).toBe('accepted')
  })

  it('privilege documents older than 10 days block a privileged referral (T6); a rejected privilege cancels the referral and returns the place', async () => {
    const Y = year(s)
    const staff = await staffClient(s, 'baldyrgan-head')
    const clerk = await staffClient(s, 'clerk-saparova')
    const parent = await parentSession(s, 'parent-zhumabekov')
    const old = new Date(s.clock.now().getTime() - 12 * 86_400_000).toISOString().slice(0, 10)
    const stale = await fileApplication(parent, Y - 3, {
      privilege: 'first_priority',
      docsIssuedOn: old,
    })
    await staff.one('group.set_capacity', { groupId: 'kg-baldyrgan-g3', capacity: 60 })
    const vac = await publish(staff, 'kg-baldyrgan-g3', Y - 3, 2)
    const b1 = await bid(parent, vac, stale.id)
    expect(
      await staff.one(
        'bid.activate',
        { bidId: b1, referralId: `R-${randomUUID().slice(0, 8)}` },
        { sign: true },
      ),
    ).toMatchObject({ status: 'rejected', code: 'privilege_documents_stale' })
    const fresh = await fileApplication(parent, Y - 3, { privilege: 'out_of_turn' })
    const b2 = await bid(parent, vac, fresh.id)
    const referralId = `R-${randomUUID().slice(0, 8)}`
    expect(
      (await staff.one('bid.activate', { bidId: b2, referralId }, { sign: true })).status,
    ).toBe('accepted')
    expect(
      (
        await clerk.one(
          'privilege.reject',
          { applicationId: fresh.id, reason: 'documents forged' },
          { sign: true },
        )
      ).status,
    ).toBe('accepted')
    const db = s.server.database.db
    expect(
      (
        await db
          .selectFrom('referrals')
          .select('status')
          .where('id', '=', referralId)
          .executeTakeFirstOrThrow()
      ).status,
    ).toBe('cancelled')
    const a = await db
      .selectFrom('applications')
      .selectAll()
      .where('id', '=', fresh.id)
      .executeTakeFirstOrThrow()
    expect(a.status).toBe('in_queue')
    expect(a.privilege_status).toBe('rejected')
    expect(
      (
        await db
          .selectFrom('vacancies')
          .select('taken')
          .where('id', '=', vac)
          .executeTakeFirstOrThrow()
      ).taken,
    ).toBe(0)
  })
})
