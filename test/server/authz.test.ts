import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { randomUUID } from 'node:crypto'
import { commandDefs } from '../../src/server/commands/engine'
import { PORTAL_ROUTES } from '../../src/server/portal-routes'
import { BACKENDS, parentSession, staffClient, startStore, type TestStore } from './helpers'
import { bid, fileApplication, publish, year } from './fixtures'

const ROLE_OF: Record<string, string> = {
  'baldyrgan-head': 'kindergarten_staff',
  'clerk-saparova': 'clerk',
  'phthisiatrician-mukanova': 'reviewer_phthisiatrician',
  'pmpk-sidorenko': 'reviewer_pmpk',
  'admin-serikbaev': 'admin',
}

describe.each(BACKENDS)('authorisation (%s)', (backend) => {
  let s: TestStore
  beforeAll(async () => {
    s = await startStore(backend, { scale: 100 })
  })
  afterAll(async () => s?.close())

  it('every staff role trying every command it may not issue is refused, and nothing changes', async () => {
    const before = await sql<{ n: number }>`select count(*)::int as n from change_log`.execute(
      s.server.database.db,
    )
    let tried = 0
    for (const [person, role] of Object.entries(ROLE_OF)) {
      const c = await staffClient(s, person)
      const forbidden = [...commandDefs.values()].filter(
        (d) => !(d.roles as readonly string[]).includes(role),
      )
      expect(forbidden.length).toBeGreaterThan(0)
      const cmds = await Promise.all(
        forbidden.map((d) =>
          c.cmd(
            d.type,
            { applicationId: 'A0000001', bidId: 'x', groupId: 'kg-aigolek-g1' },
            { sign: d.legalAct },
          ),
        ),
      )
      const answers = await c.send(cmds)
      for (const [i, a] of answers.entries()) {
        expect(a, `${role} ${forbidden[i]!.type}`).toMatchObject({
          status: 'rejected',
          code: 'forbidden_command',
        })
        tried++
      }
    }
    expect(tried).toBeGreaterThan(60)
    const after = await sql<{ n: number }>`select count(*)::int as n from change_log`.execute(
      s.server.database.db,
    )
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n)
  })

  it('admins manage staff accounts; disabling one ends its sessions at once', async () => {
    const admin = await staffClient(s, 'admin-serikbaev')
    const teacher = s.pki.person('baldyrgan-teacher')
    const before = await staffClient(s, 'baldyrgan-teacher')
    const me = () =>
      s.server.app.inject({
        method: 'GET',
        url: '/v1/auth/me',
        headers: { authorization: `Bearer ${before.token}` },
      })
    expect((await me()).statusCode).toBe(200)
    expect(
      (await admin.one('staff.set_disabled', { iin: teacher.iin, disabled: true })).status,
    ).toBe('accepted')
    expect((await me()).statusCode).toBe(401)
    const { loginAs } = await import('./helpers')
    expect((await loginAs(s, 'baldyrgan-teacher')).body.code).toBe('auth_account_disabled')
    expect(
      (await admin.one('staff.set_disabled', { iin: teacher.iin, disabled: false })).status,
    ).toBe('accepted')
    // a new clerk bound to a district
    const parentAsClerk = s.pki.person('parent-smirnov')
    expect(
      await admin.one('staff.upsert', {
        iin: parentAsClerk.iin,
        fullName: 'Смирнов Дмитрий',
        role: 'clerk',
        regionId: 'almaty',
        districtId: 'nowhere',
      }),
    ).toMatchObject({ status: 'rejected', code: 'not_found' })
    expect(
      (
        await admin.one('staff.upsert', {
          iin: parentAsClerk.iin,
          fullName: 'Смирнов Дмитрий',
          role: 'clerk',
          regionId: 'almaty',
          districtId: 'medeu',
        })
      ).status,
    ).toBe('accepted')
    const l = await loginAs(s, 'parent-smirnov')
    expect(l.body.actor).toMatchObject({ role: 'clerk', districtId: 'medeu' })
    expect(
      await admin.one('staff.set_disabled', {
        iin: s.pki.person('admin-serikbaev').iin,
        disabled: true,
      }),
    ).toMatchObject({ code: 'forbidden_object' })
    await s.server.database.db
      .deleteFrom('staff_accounts')
      .where('iin', '=', parentAsClerk.iin)
      .execute()
  })

  it('parents cannot use the staff command endpoint and staff cannot use the portal', async () => {
    const p = await parentSession(s, 'parent-sultanova')
    const r = await s.server.app.inject({
      method: 'POST',
      url: '/v1/commands',
      headers: { authorization: `Bearer ${p.token}` },
      payload: {
        commands: [{ id: randomUUID(), clientId: 'x', seq: 1, type: 'bid.activate', payload: {} }],
      },
    })
    expect(r.statusCode).toBe(403)
    const staff = await staffClient(s, 'baldyrgan-head')
    for (const route of PORTAL_ROUTES) {
      const url = route.path.replace(/:(\w+)/g, 'X')
      const q = await s.server.app.inject({
        method: 'POST',
        url,
        headers: { authorization: `Bearer ${staff.token}` },
        payload: { id: randomUUID() },
      })
      expect(q.statusCode, url).toBe(403)
    }
  })

  it("staff touch only their kindergarten's objects", async () => {
    const Y = year(s)
    const own = await staffClient(s, 'baldyrgan-head')
    const foreign = await staffClient(s, 'aigolek-head')
    const parent = await parentSession(s, 'parent-zhumabekov')
    const app = await fileApplication(parent, Y - 3)
    const vac = await publish(own, 'kg-baldyrgan-g3', Y - 3, 1)
    const bidId = await bid(parent, vac, app.id)
    const checks: [string, Record<string, unknown>][] = [
      [
        'vacancy.publish',
        {
          vacancyId: `V-${randomUUID().slice(0, 6)}`,
          groupId: 'kg-baldyrgan-g3',
          places: 1,
          birthYears: [Y - 3],
        },
      ],
      ['vacancy.withdraw', { vacancyId: vac }],
      ['bid.activate', { bidId, referralId: 'R-foreign' }],
      ['bid.reject', { bidId, reason: 'x' }],
      ['group.set_capacity', { groupId: 'kg-baldyrgan-g3', capacity: 50 }],
    ]
    for (const [type, payload] of checks) {
      const a = await foreign.one(type, payload, { sign: commandDefs.get(type)!.legalAct })
      expect(a, type).toMatchObject({ status: 'rejected', code: 'forbidden_object' })
    }
    // the owner can
    const ref = `R-${randomUUID().slice(0, 6)}`
    expect((await own.one('bid.activate', { bidId, referralId: ref }, { sign: true })).status).toBe(
      'accepted',
    )
    for (const [type, payload] of [
      ['referral.mark_arrived', { referralId: ref }],
      ['contract.create', { contractId: 'K-foreign', referralId: ref }],
    ] as const) {
      expect(await foreign.one(type, payload), type).toMatchObject({
        status: 'rejected',
        code: 'forbidden_object',
      })
    }
  })

  it('reviewers only decide the special queue of their region, each their own kind of case', async () => {
    const Y = year(s)
    const parent = await parentSession(s, 'parent-ismailova')
    const general = await fileApplication(parent, Y - 2)
    const speech = await fileApplication(parent, Y - 4, {
      queueType: 'special_voucher',
      correctionType: 'speech',
    })
    const tb = await fileApplication(parent, Y - 4, {
      queueType: 'special_voucher',
      correctionType: 'tuberculosis',
    })
    const pmpk = await staffClient(s, 'pmpk-sidorenko')
    const phth = await staffClient(s, 'phthisiatrician-mukanova')
    const d = () => `D-${randomUUID().slice(0, 8)}`
    expect(
      await pmpk.one(
        'review.confirm',
        { decisionId: d(), applicationId: general.id },
        { sign: true },
      ),
    ).toMatchObject({ code: 'forbidden_object' })
    expect(
      await pmpk.one('review.confirm', { decisionId: d(), applicationId: tb.id }, { sign: true }),
    ).toMatchObject({ code: 'forbidden_object' })
    expect(
      await phth.one(
        'review.reject',
        { decisionId: d(), applicationId: speech.id, reason: 'x' },
        { sign: true },
      ),
    ).toMatchObject({ code: 'forbidden_object' })
    // another region's reviewer
    await sql`insert into regions (id, name_kk, name_ru) values ('astana', 'Астана қаласы', 'город Астана') on conflict do nothing`.execute(
      s.server.database.db,
    )
    await sql`update staff_accounts set region_id = 'astana' where role = 'reviewer_pmpk'`.execute(
      s.server.database.db,
    )
    const pmpkAstana = await staffClient(s, 'pmpk-sidorenko')
    expect(
      await pmpkAstana.one(
        'review.confirm',
        { decisionId: d(), applicationId: speech.id },
        { sign: true },
      ),
    ).toMatchObject({ code: 'forbidden_object' })
    await sql`update staff_accounts set region_id = 'almaty' where role = 'reviewer_pmpk'`.execute(
      s.server.database.db,
    )
    // the right reviewers can, and the parent is told
    const ok = await pmpk.one(
      'review.confirm',
      { decisionId: d(), applicationId: speech.id },
      { sign: true },
    )
    expect(ok.status).toBe('accepted')
    expect(ok.result.position).toBeGreaterThanOrEqual(1)
    expect(
      (
        await phth.one(
          'review.reject',
          { decisionId: d(), applicationId: tb.id, reason: 'no conclusion' },
          { sign: true },
        )
      ).status,
    ).toBe('accepted')
    const out = await s.server.database.db
      .selectFrom('notifications_outbox')
      .select(['event', 'text_ru'])
      .where('application_id', 'in', [speech.id, tb.id])
      .orderBy('id')
      .execute()
    expect(out.map((o) => o.event)).toEqual(['voucher_confirmed', 'voucher_rejected'])
    expect(out[1]!.text_ru).toContain('Мұқанова')
  })

  it("a clerk scoped to a district cannot touch another district's applications; parents only their own", async () => {
    const Y = year(s)
    const parent = await parentSession(s, 'parent-smirnov')
    const other = await parentSession(s, 'parent-akhmetov')
    const app = await fileApplication(parent, Y - 3, { districtId: 'medeu' })
    await sql`update staff_accounts set district_id = 'auezov' where full_name like 'Сапарова%'`.execute(
      s.server.database.db,
    )
    const clerk = await staffClient(s, 'clerk-saparova')
    expect(await clerk.one('stoplist.put', { applicationId: app.id })).toMatchObject({
      code: 'forbidden_object',
    })
    expect(
      await clerk.one('queue.remove', { applicationId: app.id, reason: 'x' }, { sign: true }),
    ).toMatchObject({ code: 'forbidden_object' })
    await sql`update staff_accounts set district_id = null where full_name like 'Сапарова%'`.execute(
      s.server.database.db,
    )
    const regional = await staffClient(s, 'clerk-saparova')
    expect((await regional.one('stoplist.put', { applicationId: app.id })).status).toBe('accepted')
    // another parent cannot bid with, or even see, this application
    const staff = await staffClient(s, 'baldyrgan-head')
    const vac = await publish(staff, 'kg-baldyrgan-g3', Y - 3, 1)
    const r = await other.post('/v1/portal/bids', {
      bidId: 'B-other',
      vacancyId: vac,
      applicationId: app.id,
    })
    expect(r.status).toBe(409)
    expect(r.body.code).toBe('not_found')
    const mine = await other.get('/v1/portal/applications')
    expect(mine.applications.some((a: any) => a.id === app.id)).toBe(false)
  })
})
