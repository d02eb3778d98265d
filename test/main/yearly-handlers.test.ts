/**
 * Yearly operations on a clerk's workstation (real SQLite mirror synced with a real central
 * store on PGlite): the mirror's dry run equals the store's for each operation; a run is a
 * signed outbox command whose applied numbers come back through the feed; an application
 * the campaign's deadline made inactive offers the restore on the card and is restored
 * with a signed reason; other roles are refused on the workstation too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCentral, signIn, until, workstation, type Central, type Workstation } from '../sync/helpers'
import { loginAs } from '../server/helpers'
import type { YearlyView } from '../../src/main/api/contract'

let central: Central
let ws: Workstation

const signKey = (person: string) => ({ storage: 'pkcs12' as const, path: central.store.pki.file(person, 'sign'), password: central.store.pki.password })

async function call<T>(w: Workstation, name: string, args: unknown): Promise<T> {
  const r = await w.backend.invoke(name as never, args as never)
  if (!r.ok) throw new Error(`${name}: ${JSON.stringify(r.error)}`)
  return r.value as T
}

async function synced(w: Workstation) {
  await until(async () => w.backend.invoke('sync.status', {}), (s) => s.ok && s.value.pending === 0 && s.value.state === 'online', 60_000)
  await w.backend.invoke('sync.now', {})
}

async function storePreview(kind: string): Promise<any> {
  const store = { ...central.store, server: central.server() }
  const l = await loginAs(store, 'clerk-saparova')
  const r = await central.server().app.inject({ method: 'GET', url: `/v1/yearly/preview?kind=${kind}&regionId=almaty`, headers: { authorization: `Bearer ${l.token}` } })
  return r.json()
}

beforeAll(async () => {
  central = await startCentral('pglite', 120)
  ws = await workstation(central)
  await signIn(ws, central, 'clerk-saparova')
  await synced(ws)
}, 180_000)
afterAll(async () => {
  await ws?.close()
  await central?.close()
})

describe('yearly operations on the clerk workstation', () => {
  it('the mirror dry run equals the store dry run for each operation', async () => {
    const v = await call<YearlyView>(ws, 'yearly.state', {})
    expect(v.regionId).toBe('almaty')
    const r = await storePreview('regroup')
    expect(v.regroup).toEqual({ intake: r.intake, moved: r.moved, toSchool: r.toSchool, cohorts: r.cohorts })
    const c = await storePreview('campaign')
    expect({ asked: v.campaign.asked, toInactive: v.campaign.toInactive, cohorts: v.campaign.cohorts }).toEqual({ asked: c.asked, toInactive: c.toInactive, cohorts: c.cohorts })
    const p = await storePreview('pause')
    expect({ openVacancies: v.pause.openVacancies, cohorts: v.pause.cohorts, paused: v.pause.bulletin.paused }).toEqual({ openVacancies: p.openVacancies, cohorts: p.cohorts, paused: false })
    expect(v.history).toEqual([])
  })

  it('a campaign run comes back with its numbers; at its deadline the unconfirmed become inactive and the clerk restores one with a signed reason', async () => {
    const before = await call<YearlyView>(ws, 'yearly.state', {})
    const deadline = new Date(Date.now() + 5 * 3600_000 + 20 * 86_400_000).toISOString().slice(0, 10)
    await call(ws, 'yearly.campaignOpen', { key: signKey('clerk-saparova'), deadline })
    // pending at once
    const pending = await call<YearlyView>(ws, 'yearly.state', {})
    expect(pending.history[0]).toMatchObject({ kind: 'campaign_open', pending: true, result: null })
    await synced(ws)
    const after = await until(() => call<YearlyView>(ws, 'yearly.state', {}), (x) => x.history.some((h) => h.kind === 'campaign_open' && !h.pending), 30_000)
    expect(after.history.find((h) => h.kind === 'campaign_open')!.result).toMatchObject({ toInactive: before.campaign.toInactive, deadline })
    expect(after.campaign.open).not.toBeNull()
    // a second one is refused on the workstation already
    const again = await ws.backend.invoke('yearly.campaignOpen', { key: signKey('clerk-saparova'), deadline })
    expect(again).toMatchObject({ ok: false, error: { code: 'campaign_already_open' } })

    // the deadline passes (the store's clock is a manual one, held at the opening: the
    // deadline is moved before it), and the store's sweeper applies it
    await central.query(`update interest_campaigns set deadline = opened_at - interval '1 millisecond' where closed_at is null`)
    const swept = await central.server().sweep()
    expect(swept.interestInactivated).toBe(before.campaign.toInactive)
    await until(async () => (await ws.backend.invoke('sync.now', {}), call<YearlyView>(ws, 'yearly.state', {})), (x) => x.history.some((h) => h.kind === 'campaign_close'), 30_000)
    const inactive = await central.query<{ id: string }>(`select id from applications where status = 'inactive' and status_reason = 'interest_not_confirmed' order by id limit 1`)
    const id = inactive[0]!.id
    const card = await call<{ status: string; actions: string[] }>(ws, 'office.application', { id })
    expect(card.status).toBe('inactive')
    expect(card.actions).toContain('restore')
    await call(ws, 'office.restore', { applicationId: id, key: signKey('clerk-saparova'), reason: 'Ата-ана қызығушылығын растады' })
    await synced(ws)
    const row = await central.query<{ status: string }>(`select status from applications where id = $1`, [id])
    expect(row[0]!.status).toBe('in_queue')
  })

  it('other roles are refused on the workstation', async () => {
    const staff = await workstation(central)
    try {
      await signIn(staff, central, 'baldyrgan-head')
      expect(await staff.backend.invoke('yearly.state', {})).toMatchObject({ ok: false, error: { code: 'forbidden_command' } })
      expect(await staff.backend.invoke('yearly.regroup', { key: signKey('baldyrgan-head') })).toMatchObject({ ok: false, error: { code: 'forbidden_command' } })
      expect(await staff.backend.invoke('yearly.bulletinPause', { key: signKey('baldyrgan-head'), action: 'pause' })).toMatchObject({ ok: false, error: { code: 'forbidden_command' } })
    } finally {
      await staff.close()
    }
  })
})
