/**
 * Yearly operations on the central store (src/core/yearly.ts, Y-1..Y-9): each is a signed
 * legal act of a region clerk or an admin, audited, recorded as a yearly run whose numbers
 * equal the dry run's; the campaign's deadline is applied by the sweeper (idempotent, on
 * the manual clock); parents re-confirm on the portal; a paused bulletin refuses staff.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { allChanges, BACKENDS, parentSession, staffClient, startStore, type TestStore } from './helpers'
import { fileApplication, year } from './fixtures'

const REGION = 'almaty'

describe.each(BACKENDS)('yearly operations (%s)', (backend) => {
  let s: TestStore
  beforeAll(async () => {
    s = await startStore(backend, { scale: 150 })
  })
  afterAll(async () => s?.close())
  const db = () => s.server.database.db

  async function preview(token: string, kind: string, regionId = REGION) {
    const r = await s.server.app.inject({
      method: 'GET',
      url: `/v1/yearly/preview?kind=${kind}&regionId=${regionId}`,
      headers: { authorization: `Bearer ${token}` },
    })
    return { status: r.statusCode, body: r.json() as any }
  }
  const auditOf = async (type: string) =>
    (await sql<{ n: number }>`select count(*)::int as n from audit_log where type = ${type}`.execute(db())).rows[0]!.n

  it('regroup: dry run = applied numbers; moved cohorts and school-age archive; signed, audited, idempotent', async () => {
    const clerk = await staffClient(s, 'clerk-saparova')
    // one application recorded in a wrong cohort (a corrected birth date)
    const wrong = await sql<{ id: string; birth_year: number }>`
      select a.id, a.birth_year from applications a join children c on c.id = a.child_id
       where a.region_id = ${REGION} and a.status = 'in_queue' and extract(year from c.birth_date) >= ${year(s) - 3}
       order by a.id limit 1`.execute(db())
    const w = wrong.rows[0]!
    await sql`update applications set birth_year = birth_year - 1 where id = ${w.id}`.execute(db())
    const pv = await preview(clerk.token, 'regroup')
    expect(pv.status).toBe(200)
    expect(pv.body.moved).toBeGreaterThanOrEqual(1)
    expect(pv.body.cohorts.length).toBeGreaterThan(1)
    const sum = (k: string) => pv.body.cohorts.reduce((t: number, c: any) => t + c[k], 0)
    expect(sum('movedIn')).toBe(pv.body.moved)
    expect(sum('toSchool')).toBe(pv.body.toSchool)
    expect(sum('before')).toBe(sum('after') + pv.body.toSchool)

    // unsigned: refused (legal act)
    const runId = randomUUID()
    expect(await clerk.one('yearly.regroup', { runId, regionId: REGION })).toMatchObject({ status: 'rejected', code: 'signature_required' })
    const { cursor } = await allChanges(s, clerk.token)
    const a = await clerk.one('yearly.regroup', { runId, regionId: REGION }, { sign: true })
    expect(a).toMatchObject({ status: 'accepted', result: { moved: pv.body.moved, toSchool: pv.body.toSchool, cohorts: pv.body.cohorts } })
    const row = await sql<{ birth_year: number }>`select birth_year from applications where id = ${w.id}`.execute(db())
    expect(row.rows[0]!.birth_year).toBe(w.birth_year)
    const archived = await sql<{ n: number }>`select count(*)::int as n from applications where status = 'archived' and status_reason = 'school_age'`.execute(db())
    expect(archived.rows[0]!.n).toBe(pv.body.toSchool)
    expect(await auditOf('yearly.regroup')).toBe(1)
    const act = await sql<{ n: number }>`select count(*)::int as n from legal_acts where type = 'yearly.regroup'`.execute(db())
    expect(act.rows[0]!.n).toBe(1)
    // the feed carries the run and the moved application to the clerk's mirror
    const feed = await allChanges(s, clerk.token, cursor)
    const run = feed.rows.find((r: any) => r.entity === 'yearly_run' && r.id === runId)
    expect(run.data).toMatchObject({ kind: 'regroup', region_id: REGION, result: { moved: pv.body.moved } })
    expect(run.data.actor_name).toMatch(/Сапарова/)
    expect(feed.rows.find((r: any) => r.entity === 'application' && r.id === w.id)?.data.birth_year).toBe(w.birth_year)
    if (pv.body.toSchool > 0) {
      const n = await sql<{ n: number }>`select count(*)::int as n from notifications_outbox where event = 'queue_school_age'`.execute(db())
      expect(n.rows[0]!.n).toBe(pv.body.toSchool)
    }
    // a second run right after finds nothing; the same run id is not run twice
    const again = await preview(clerk.token, 'regroup')
    expect(again.body).toMatchObject({ moved: 0, toSchool: 0 })
    expect(await clerk.one('yearly.regroup', { runId: randomUUID(), regionId: REGION }, { sign: true })).toMatchObject({ status: 'accepted', result: { moved: 0, toSchool: 0 } })
    expect(await clerk.one('yearly.regroup', { runId, regionId: REGION }, { sign: true })).toMatchObject({ status: 'rejected', code: 'already_exists' })
  })

  it('campaign: parents told (kk/ru), portal re-confirmation, the sweeper makes the rest inactive once at the deadline; clerk restores with a reason', async () => {
    const clerk = await staffClient(s, 'clerk-saparova')
    const parent = await parentSession(s, 'parent-akhmetov')
    const mine = await fileApplication(parent, year(s) - 2)
    const other = await fileApplication(parent, year(s) - 3)
    // filed before the campaign: they are asked
    s.clock.advance(60_000)
    const pv = await preview(clerk.token, 'campaign')
    expect(pv.body.campaign).toBeNull()
    expect(pv.body.toInactive).toBeGreaterThanOrEqual(2)
    const deadline = new Date(s.clock.now().getTime() + (5 * 3600_000) + 14 * 86_400_000).toISOString().slice(0, 10)
    const tooSoon = new Date(s.clock.now().getTime() + (5 * 3600_000) + 3 * 86_400_000).toISOString().slice(0, 10)
    expect(await clerk.one('interest.campaign_open', { campaignId: randomUUID(), regionId: REGION, deadline: tooSoon }, { sign: true })).toMatchObject({
      status: 'rejected',
      code: 'campaign_deadline_invalid',
    })
    const campaignId = randomUUID()
    const a = await clerk.one('interest.campaign_open', { campaignId, regionId: REGION, deadline }, { sign: true })
    expect(a).toMatchObject({ status: 'accepted', result: { toInactive: pv.body.toInactive, notified: pv.body.toInactive, cohorts: pv.body.cohorts } })
    expect(await clerk.one('interest.campaign_open', { campaignId: randomUUID(), regionId: REGION, deadline }, { sign: true })).toMatchObject({
      status: 'rejected',
      code: 'campaign_already_open',
    })
    const note = await sql<{ text_kk: string; text_ru: string }>`
      select text_kk, text_ru from notifications_outbox where application_id = ${mine.id} and event = 'interest_campaign_opened'`.execute(db())
    expect(note.rows[0]!.text_ru).toContain(mine.number)
    expect(note.rows[0]!.text_kk).toContain(mine.number)
    expect(note.rows[0]!.text_kk).not.toBe(note.rows[0]!.text_ru)

    // the parent confirms one on the portal
    const c = await parent.post(`/v1/portal/applications/${mine.id}/interest`, {})
    expect(c.status).toBe(200)
    const mineRow = (await parent.get('/v1/portal/applications')).applications.find((x: any) => x.id === mine.id)
    expect(mineRow.interest_confirmed_at).toBeTruthy()
    const afterConfirm = await preview(clerk.token, 'campaign')
    expect(afterConfirm.body.toInactive).toBe(pv.body.toInactive - 1)
    expect(afterConfirm.body.campaign.id).toBe(campaignId)

    // before the deadline the sweeper does nothing; after it, the preview's number once
    expect((await s.server.sweep()).interestInactivated).toBe(0)
    s.clock.advance(15 * 86_400_000)
    const clerk2 = await staffClient(s, 'clerk-saparova') // the first session expired meanwhile
    const due = await preview(clerk2.token, 'campaign')
    expect(due.body.toInactive).toBe(afterConfirm.body.toInactive)
    const r1 = await s.server.sweep()
    expect(r1.interestInactivated).toBe(due.body.toInactive)
    expect((await s.server.sweep()).interestInactivated).toBe(0)
    const st = await sql<{ id: string; status: string; status_reason: string | null }>`
      select id, status, status_reason from applications where id in (${mine.id}, ${other.id}) order by id`.execute(db())
    const byId = Object.fromEntries(st.rows.map((x) => [x.id, x]))
    expect(byId[mine.id]).toMatchObject({ status: 'in_queue' })
    expect(byId[other.id]).toMatchObject({ status: 'inactive', status_reason: 'interest_not_confirmed' })
    expect(await auditOf('timer.campaign_closed')).toBe(1)
    const closed = await sql<{ kind: string; result: any }>`select kind, result from yearly_runs where id = ${'close:' + campaignId}`.execute(db())
    expect(closed.rows[0]!.result.toInactive).toBe(due.body.toInactive)
    const told = await sql<{ n: number }>`select count(*)::int as n from notifications_outbox where application_id = ${other.id} and event = 'interest_not_confirmed'`.execute(db())
    expect(told.rows[0]!.n).toBe(1)
    // an inactive application cannot confirm on the portal any more
    const parent2 = await parentSession(s, 'parent-akhmetov')
    const late = await parent2.post(`/v1/portal/applications/${other.id}/interest`, {})
    expect(late.status).toBe(409)
    expect(late.body.code).toBe('interest_confirm_invalid_state')

    // the clerk restores it with a signed reason (existing application.restore)
    expect(await clerk2.one('application.restore', { applicationId: other.id, reason: 'Ата-ана келді' }, { sign: true })).toMatchObject({ status: 'accepted' })
    const back = await sql<{ status: string; status_reason: string | null; interest_confirmed_at: Date | null }>`
      select status, status_reason, interest_confirmed_at from applications where id = ${other.id}`.execute(db())
    expect(back.rows[0]).toMatchObject({ status: 'in_queue', status_reason: null })
    expect(back.rows[0]!.interest_confirmed_at).not.toBeNull()
  })

  it('bulletin pause: staff publication refused with a translated code while paused; resume; state in the staff feed', async () => {
    const clerk = await staffClient(s, 'clerk-saparova')
    const staff = await staffClient(s, 'aigolek-head')
    await staff.one('group.set_capacity', { groupId: 'kg-aigolek-g4', capacity: 60 })
    const pv = await preview(clerk.token, 'pause')
    expect(pv.body.bulletin).toEqual({ paused: false, since: null })
    const { cursor } = await allChanges(s, staff.token)
    const a = await clerk.one('bulletin.pause', { runId: randomUUID(), regionId: REGION }, { sign: true })
    expect(a).toMatchObject({ status: 'accepted', result: { paused: true, openVacancies: pv.body.openVacancies, cohorts: pv.body.cohorts } })
    expect(await clerk.one('bulletin.pause', { runId: randomUUID(), regionId: REGION }, { sign: true })).toMatchObject({ status: 'rejected', code: 'bulletin_already_paused' })
    const refused = await staff.one('vacancy.publish', { vacancyId: `V-${randomUUID().slice(0, 8)}`, groupId: 'kg-aigolek-g4', places: 1, birthYears: [year(s) - 4] })
    expect(refused).toMatchObject({ status: 'rejected', code: 'bulletin_paused' })
    const feed = await allChanges(s, staff.token, cursor)
    expect(feed.rows.find((r: any) => r.entity === 'bulletin_state' && r.id === REGION)?.data).toMatchObject({ paused: true })
    expect(await clerk.one('bulletin.resume', { runId: randomUUID(), regionId: REGION }, { sign: true })).toMatchObject({ status: 'accepted', result: { paused: false } })
    expect(await clerk.one('bulletin.resume', { runId: randomUUID(), regionId: REGION }, { sign: true })).toMatchObject({ status: 'rejected', code: 'bulletin_not_paused' })
    expect(await staff.one('vacancy.publish', { vacancyId: `V-${randomUUID().slice(0, 8)}`, groupId: 'kg-aigolek-g4', places: 1, birthYears: [year(s) - 4] })).toMatchObject({ status: 'accepted' })
    expect(await auditOf('bulletin.pause')).toBe(1)
    expect(await auditOf('bulletin.resume')).toBe(1)
  })

  it('only a region clerk or an admin: others refused (commands and preview); an admin runs for a named region', async () => {
    for (const person of ['aigolek-head', 'pmpk-sidorenko', 'phthisiatrician-mukanova']) {
      const c = await staffClient(s, person)
      for (const type of ['yearly.regroup', 'bulletin.pause', 'bulletin.resume'])
        expect(await c.one(type, { runId: randomUUID(), regionId: REGION }, { sign: true }), `${person} ${type}`).toMatchObject({ status: 'rejected', code: 'forbidden_command' })
      expect(await c.one('interest.campaign_open', { campaignId: randomUUID(), regionId: REGION, deadline: '2099-01-01' }, { sign: true })).toMatchObject({ status: 'rejected', code: 'forbidden_command' })
      expect((await preview(c.token, 'regroup')).status).toBe(403)
    }
    const clerk = await staffClient(s, 'clerk-saparova')
    expect(await clerk.one('bulletin.pause', { runId: randomUUID(), regionId: 'other-region' }, { sign: true })).toMatchObject({ status: 'rejected', code: 'forbidden_object' })
    expect((await preview(clerk.token, 'pause', 'other-region')).status).toBe(403)
    const admin = await staffClient(s, 'admin-serikbaev')
    expect(await admin.one('bulletin.pause', { runId: randomUUID(), regionId: 'nowhere' }, { sign: true })).toMatchObject({ status: 'rejected', code: 'not_found' })
    expect(await admin.one('bulletin.pause', { runId: randomUUID(), regionId: REGION }, { sign: true })).toMatchObject({ status: 'accepted' })
    expect((await preview(admin.token, 'pause')).body.bulletin.paused).toBe(true)
    expect(await admin.one('bulletin.resume', { runId: randomUUID(), regionId: REGION }, { sign: true })).toMatchObject({ status: 'accepted' })
    // a parent re-confirms only their own application
    const parent = await parentSession(s, 'parent-akhmetov')
    const p = await parent.post('/v1/portal/applications/NO-SUCH-APP/interest', {})
    expect(p.status).toBe(409)
    expect(p.body.code).toBe('not_found')
  })
})
