import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { randomUUID } from 'node:crypto'
import { addDays, endOfLocalDay, localDate } from '../../src/core/time'
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
import { bid, fileApplication, publish, year } from './fixtures'

const DAY = 86_400_000

/** R11.6 at the central store: the departure date is signed with the act and checked again. */
describe.each(BACKENDS)('departure date (%s)', (backend) => {
  let s: TestStore
  let staff: Client
  let parent: Parent
  beforeAll(async () => {
    s = await startStore(backend)
    staff = await staffClient(s, 'baldyrgan-head')
    parent = await parentSession(s, 'parent-akhmetov')
  })
  afterAll(async () => s?.close())
  const db = () => s.server.database.db

  /** A child of the parent's, enrolled in Baldyrgan's group 3 today (store clock). */
  async function enrolled(): Promise<string> {
    const Y = year(s)
    const app = await fileApplication(parent, Y - 3)
    const vac = await publish(staff, 'kg-baldyrgan-g3', Y - 3, 1)
    const bidId = await bid(parent, vac, app.id)
    const referralId = `R-${randomUUID().slice(0, 8)}`
    expect((await staff.one('bid.activate', { bidId, referralId }, { sign: true })).status).toBe('accepted')
    expect((await staff.one('referral.mark_arrived', { referralId })).status).toBe('accepted')
    const contractId = `K-${randomUUID().slice(0, 8)}`
    expect((await staff.one('contract.create', { contractId, referralId })).status).toBe('accepted')
    expect((await staff.one('contract.sign', { contractId }, { sign: true })).status).toBe('accepted')
    const enrolmentId = `E-${randomUUID().slice(0, 8)}`
    expect((await staff.one('enrolment.enrol', { enrolmentId, contractId }, { sign: true })).status).toBe('accepted')
    return enrolmentId
  }

  it('refuses a future date and a date before the enrolment; stores a valid past date and feeds it to the kindergarten', async () => {
    const enrolmentId = await enrolled()
    const enrolledOn = localDate(s.clock.now().getTime())
    // ten days later
    s.clock.advance(10 * DAY)
    // sessions do not live ten days: sign in again
    staff = await staffClient(s, 'baldyrgan-head')
    parent = await parentSession(s, 'parent-akhmetov')
    const today = localDate(s.clock.now().getTime())
    const future = await staff.one('enrolment.depart', { enrolmentId, reason: 'moved', departedOn: addDays(today, 1) }, { sign: true })
    expect(future).toMatchObject({ status: 'rejected', code: 'departure_in_future', params: { today } })
    const early = await staff.one('enrolment.depart', { enrolmentId, reason: 'moved', departedOn: addDays(enrolledOn, -1) }, { sign: true })
    expect(early).toMatchObject({ status: 'rejected', code: 'departure_before_enrolment', params: { enrolledOn } })
    const junk = await staff.one('enrolment.depart', { enrolmentId, reason: 'moved', departedOn: '2026-02-30' }, { sign: true })
    expect(junk).toMatchObject({ status: 'rejected', code: 'departure_date_invalid' })
    // nothing was recorded by the refusals
    const still = await db().selectFrom('enrolments').select(['departed_at']).where('id', '=', enrolmentId).executeTakeFirstOrThrow()
    expect(still.departed_at).toBeNull()
    const groupBefore = await db().selectFrom('groups').select('enrolled').where('id', '=', 'kg-baldyrgan-g3').executeTakeFirstOrThrow()

    const past = addDays(enrolledOn, 3)
    const done = await staff.one('enrolment.depart', { enrolmentId, reason: 'moved', departedOn: past }, { sign: true })
    expect(done.status).toBe('accepted')
    const row = await db().selectFrom('enrolments').selectAll().where('id', '=', enrolmentId).executeTakeFirstOrThrow()
    expect(new Date(row.departed_at!).toISOString()).toBe(endOfLocalDay(past))
    expect(localDate(new Date(row.departed_at!).getTime())).toBe(past)
    expect(row.departure_reason).toBe('moved')
    // the place is freed
    const groupAfter = await db().selectFrom('groups').select('enrolled').where('id', '=', 'kg-baldyrgan-g3').executeTakeFirstOrThrow()
    expect(groupAfter.enrolled).toBe(groupBefore.enrolled - 1)
    // the date is in the signed payload of the stored legal act
    const act = await db().selectFrom('legal_acts').selectAll().where('type', '=', 'enrolment.depart').orderBy('id', 'desc').executeTakeFirstOrThrow()
    expect(JSON.stringify(act.payload)).toContain(`"departedOn":"${past}"`)
    // the kindergarten's feed carries the enrolment's end to the mirror
    const feed = await allChanges(s, staff.token)
    const fed = feed.rows.filter((r) => r.entity === 'enrolment' && r.id === enrolmentId).pop()
    expect(localDate(new Date(fed.data.departed_at).getTime())).toBe(past)
  })

  it('without a date the departure is today, as before', async () => {
    const enrolmentId = await enrolled()
    const done = await staff.one('enrolment.depart', { enrolmentId, reason: 'school' }, { sign: true })
    expect(done.status).toBe('accepted')
    const row = await db().selectFrom('enrolments').selectAll().where('id', '=', enrolmentId).executeTakeFirstOrThrow()
    expect(new Date(row.departed_at!).getTime()).toBe(s.clock.now().getTime())
  })
})
