/**
 * The clerk's once-only restore of an inactive voucher application (T7, public city
 * rules), and what the application rows carry for the clerk's card: who changed them,
 * the reason, the privilege documents, the verified signer of a reviewer's decision.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { allChanges, BACKENDS, staffClient, startStore, type TestStore } from './helpers'

describe.each(BACKENDS)('application.restore and the card rows (%s)', (backend) => {
  let s: TestStore
  beforeAll(async () => {
    s = await startStore(backend, { scale: 300 })
  })
  afterAll(async () => s?.close())

  const db = () => s.server.database.db

  /** A voucher application whose interest was missed (what the sweeper leaves, T7). */
  async function inactiveApp(daysLeft = 28): Promise<{ id: string; number: string }> {
    const r = await sql<{ id: string; number: string }>`
      select id, number from applications where queue_type = 'special_voucher' and status = 'in_queue'
        and restored_once = false order by id limit 1`.execute(db())
    const app = r.rows[0]!
    const until = new Date(s.clock.now().getTime() + daysLeft * 86_400_000)
    await sql`update applications set status = 'inactive', stop_list_until = ${until} where id = ${app.id}`.execute(
      db(),
    )
    return app
  }

  it('restores once with a signed reason; a second time and after the window are refused; the applicant is told', async () => {
    const clerk = await staffClient(s, 'clerk-saparova')
    const app = await inactiveApp()
    // a legal act: unsigned is refused
    expect(
      (await clerk.one('application.restore', { applicationId: app.id, reason: 'Құжаттар келді' }))
        .status,
    ).toBe('rejected')
    const { cursor } = await allChanges(s, clerk.token)
    expect(
      await clerk.one(
        'application.restore',
        { applicationId: app.id, reason: 'Құжаттар келді' },
        { sign: true },
      ),
    ).toMatchObject({ status: 'accepted' })
    const row = await sql<{ status: string; restored_once: boolean; stop_list_until: Date | null }>`
      select status, restored_once, stop_list_until from applications where id = ${app.id}`.execute(
      db(),
    )
    expect(row.rows[0]).toMatchObject({
      status: 'in_queue',
      restored_once: true,
      stop_list_until: null,
    })
    const feed = await allChanges(s, clerk.token, cursor)
    const change = feed.rows.find((r: any) => r.entity === 'application' && r.id === app.id)
    expect(change.data).toMatchObject({
      status: 'in_queue',
      restored_once: true,
      changed_by_role: 'clerk',
      change_reason: 'Құжаттар келді',
    })
    expect(change.data.changed_by).toMatch(/Сапарова/)
    expect(Array.isArray(change.data.privilege_documents)).toBe(true)
    const note = await sql<{ event: string; text_ru: string }>`
      select event, text_ru from notifications_outbox where application_id = ${app.id} order by id desc limit 1`.execute(
      db(),
    )
    expect(note.rows[0]?.event).toBe('application_restored')
    expect(note.rows[0]?.text_ru).toContain(app.number)

    // inactive again (a second missed voucher): no second restore
    await sql`update applications set status = 'inactive', stop_list_until = ${new Date(s.clock.now().getTime() + 86_400_000 * 20)} where id = ${app.id}`.execute(
      db(),
    )
    expect(
      await clerk.one(
        'application.restore',
        { applicationId: app.id, reason: 'Тағы да' },
        { sign: true },
      ),
    ).toMatchObject({
      status: 'rejected',
      code: 'application_already_restored',
    })

    // past the 28 days
    const late = await inactiveApp(-1)
    expect(
      await clerk.one(
        'application.restore',
        { applicationId: late.id, reason: 'Кеш' },
        { sign: true },
      ),
    ).toMatchObject({
      status: 'rejected',
      code: 'restore_window_passed',
      params: { deadline: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) },
    })
    // only an inactive voucher application; only a clerk
    const queued = await sql<{
      id: string
    }>`select id from applications where queue_type = 'general' and status = 'in_queue' order by id limit 1`.execute(
      db(),
    )
    expect(
      await clerk.one(
        'application.restore',
        { applicationId: queued.rows[0]!.id, reason: 'Жоқ' },
        { sign: true },
      ),
    ).toMatchObject({
      status: 'rejected',
      code: 'invalid_state',
    })
    const pmpk = await staffClient(s, 'pmpk-sidorenko')
    const other = await inactiveApp()
    expect(
      (
        await pmpk.one(
          'application.restore',
          { applicationId: other.id, reason: 'Жоқ' },
          { sign: true },
        )
      ).status,
    ).toBe('rejected')
  })

  it('a reviewer decision row carries the serial of the verified SIGN certificate', async () => {
    const pmpk = await staffClient(s, 'pmpk-sidorenko')
    const r = await sql<{ id: string }>`
      select id from applications where queue_type = 'special_voucher' and status = 'awaiting_review'
        and coalesce(correction_type, '') <> 'tuberculosis' order by id limit 1`.execute(db())
    const appId = r.rows[0]!.id
    const { cursor } = await allChanges(s, pmpk.token)
    const decisionId = randomUUID()
    expect(
      (await pmpk.one('review.confirm', { decisionId, applicationId: appId }, { sign: true }))
        .status,
    ).toBe('accepted')
    const feed = await allChanges(s, pmpk.token, cursor)
    const d = feed.rows.find((x: any) => x.entity === 'reviewer_decision' && x.id === decisionId)
    expect(d.data.signer_serial).toMatch(/^[0-9a-f]+$/i)
    const app = feed.rows.find((x: any) => x.entity === 'application' && x.id === appId)
    expect(app.data).toMatchObject({ status: 'in_queue', changed_by_role: 'reviewer_pmpk' })
  })
})
