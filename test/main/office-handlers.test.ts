/**
 * The clerk's handlers over a real SQLite mirror (a web host's backend, the demo clerk
 * signed in offline, 3,000 generated applications): paging, filters and sorts done in
 * SQLite, queue numbers by src/core's order per cohort, a pending local action seen at
 * once (with its queue number recomputed), a pulled change caught up incrementally, and
 * saved filters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { queuePositions, type Queueable } from '../../src/core/queue'
import type { QueueRow } from '../../src/main/api/contract'
import { bigQueueHost, type BigQueue } from '../helpers/office-profile'

const N = 3000
let big: BigQueue

beforeAll(async () => {
  big = await bigQueueHost(N)
}, 120_000)
afterAll(async () => big?.running.stop())

const call = async <T>(name: string, args: unknown): Promise<T> => {
  const r = await big.running.backend.invoke(name, args)
  if (!r.ok) throw new Error(`${name}: ${JSON.stringify(r.error)}`)
  return r.value as T
}
const page = (args: Record<string, unknown>) => call<{ total: number; rows: QueueRow[] }>('office.queue', { filter: {}, offset: 0, limit: 500, ...args })

async function everything(args: Record<string, unknown>): Promise<QueueRow[]> {
  const out: QueueRow[] = []
  for (let offset = 0; ; offset += 500) {
    const p = await page({ ...args, offset })
    out.push(...p.rows)
    if (out.length >= p.total) return out
  }
}

function serverRows(): Array<Record<string, any>> {
  return (big.running.backend.context.sqlite.prepare("SELECT data FROM server_rows WHERE entity = 'application'").all() as Array<{ data: string }>).map((r) => JSON.parse(r.data))
}

describe('office handlers on the local mirror', () => {
  it('pages cover every application once; queue numbers follow src/core per cohort', async () => {
    const rows = await everything({})
    expect(rows).toHaveLength(N)
    expect(new Set(rows.map((r) => r.id)).size).toBe(N)
    const expected = queuePositions(
      serverRows().map(
        (a): Queueable => ({
          id: a.id,
          queueType: a.queue_type,
          region: a.region_id,
          child: { birthDate: a.child_birth_date },
          registeredAt: a.registered_at,
          privilege: a.privilege ?? 'none',
          ...(a.privilege_status ? { privilegeStatus: a.privilege_status } : {}),
          status: a.status,
        }),
      ),
    )
    for (const r of rows) {
      expect(r.queueNo, r.id).toBe(expected.get(r.id)?.overall ?? null)
      expect(r.privNo, r.id).toBe(expected.get(r.id)?.inCategory ?? null)
    }
  })

  it('filters and sorts in SQLite: by IIN, status, privilege, name part; any order pages consistently', async () => {
    const all = serverRows()
    const one = all[123]!
    const byIin = await page({ filter: { childIin: one.child_iin } })
    expect(byIin.rows.map((r) => r.id)).toContain(one.id)
    expect(byIin.rows.every((r) => r.childIin === one.child_iin)).toBe(true)
    const queued = await page({ filter: { status: ['in_queue'], privilege: ['first_priority'] } })
    expect(queued.total).toBe(all.filter((a) => a.status === 'in_queue' && a.privilege === 'first_priority').length)
    const name = await page({ filter: { childName: 'ӘЛИ' } })
    expect(name.total).toBe(all.filter((a) => a.child_name.toLowerCase().includes('әли')).length)
    const sorted = await everything({ sort: { column: 'childName', desc: true } })
    expect(sorted).toHaveLength(N)
    const names = sorted.map((r) => (r.childName ?? '').toLowerCase())
    for (let i = 1; i < names.length; i++) expect(names[i - 1]! >= names[i]!, `${names[i - 1]} / ${names[i]}`).toBe(true)
  })

  it('a pending action shows at once; a rejected privilege renumbers the cohort', async () => {
    const target = serverRows().find((a) => a.status === 'in_queue' && a.privilege === 'out_of_turn' && a.privilege_status === 'pending')!
    const before = (await page({ filter: { childIin: target.child_iin } })).rows.find((r) => r.id === target.id)!
    expect(before.privNo).toBeGreaterThan(0)
    const key = { storage: 'pkcs12' as const, path: big.pki.file('clerk-saparova', 'sign'), password: big.pki.password }
    await call('office.privilegeReject', { applicationId: target.id, key, reason: 'Құжат жарамсыз' })
    const after = (await page({ filter: { childIin: target.child_iin } })).rows.find((r) => r.id === target.id)!
    expect(after.pending).toBe(true)
    expect(after.privNo).toBe(0)
    expect(after.queueNo).toBeGreaterThan(before.queueNo!)
    const card = await call<{ history: Array<{ kind: string; reason: string | null }>; actions: string[] }>('office.application', { id: target.id })
    expect(card.history.some((h) => h.kind === 'pending' && h.reason === 'Құжат жарамсыз')).toBe(true)
    expect(card.actions).not.toContain('privilege_reject')
    // the command waits in the outbox, signed
    const out = big.running.backend.context.sqlite.prepare("SELECT type, signature FROM outbox WHERE type = 'privilege.reject'").get() as { type: string; signature: string | null }
    expect(out.signature).toBeTruthy()
  })

  it('a pulled change is caught up incrementally', async () => {
    const a = serverRows().find((x) => x.status === 'in_queue')!
    const db = big.running.backend.context.sqlite
    const cursor = Number(db.prepare("SELECT value FROM sync_state WHERE key = 'cursor'").pluck().get()) + 1
    big.running.backend.context.session.mirror.applyPage([{ cursor, entity: 'application', id: a.id, op: 'upsert', data: { ...a, status: 'enrolled', changed_by: 'Test', changed_by_role: 'kindergarten_staff' } }], cursor)
    const r = (await page({ filter: { childIin: a.child_iin } })).rows.find((x) => x.id === a.id)!
    expect(r.status).toBe('enrolled')
    expect(r.queueNo).toBeNull()
    const card = await call<{ history: Array<{ kind: string; status: string | null; byName: string | null }> }>('office.application', { id: a.id })
    expect(card.history).toContainEqual(expect.objectContaining({ kind: 'change', status: 'enrolled', byName: 'Test' }))
  })

  it('saved filters belong to the person', async () => {
    const saved = await call<{ id: string }>('office.saveFilter', { name: 'Бірінші кезек', filter: { privilege: ['first_priority'] } })
    const list = await call<Array<{ id: string; filter: unknown }>>('office.filters', {})
    expect(list).toContainEqual(expect.objectContaining({ id: saved.id, filter: { privilege: ['first_priority'] } }))
    expect(await call('office.deleteFilter', { id: saved.id })).toBe(true)
    expect(await call<unknown[]>('office.filters', {})).toHaveLength(0)
  })
})
