/**
 * Workstation sync against a real central store over HTTP (PGlite, and PostgreSQL when
 * DATABASE_URL is set): mirrors, outbox, rejection rollback, live updates.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BACKENDS } from '../server/helpers'
import { mirrorView, serverView, signIn, sortedEntries, startCentral, until, workstation, type Central, type Workstation } from './helpers'

describe.each(BACKENDS)('workstation sync (%s)', (kind) => {
  let central: Central
  let a: Workstation
  let b: Workstation
  let clerk: Workstation

  beforeAll(async () => {
    central = await startCentral(kind)
    a = await workstation(central)
    b = await workstation(central)
    clerk = await workstation(central)
  })
  afterAll(async () => {
    await a?.close()
    await b?.close()
    await clerk?.close()
    await central?.close()
  })

  it('signs in with a real AUTH key and mirrors exactly the server view of the scope', async () => {
    const s = await signIn(a, central, 'baldyrgan-head')
    expect(s.offline).toBe(false)
    expect(s.actor.role).toBe('kindergarten_staff')
    expect(s.key.fullName).toContain('НҰРЛАНОВА')
    const round = await a.backend.invoke('sync.now', {})
    expect(round.ok).toBe(true)
    const view = await serverView(central, 'baldyrgan-head')
    expect(view.size).toBeGreaterThan(0)
    expect(sortedEntries(mirrorView(a.backend))).toEqual(sortedEntries(view))
    const status = await a.backend.invoke('sync.status', {})
    expect(status.ok && status.value).toMatchObject({ state: 'online', pending: 0, problems: 0 })
    expect(status.ok && status.value.lastSyncAt).toBeTruthy()
  })

  it('two workstations of one kindergarten see each other’s changes; the change shows at once, pending', async () => {
    await signIn(b, central, 'baldyrgan-methodist')
    await b.backend.invoke('sync.now', {})
    const groups = await a.backend.invoke('groups.list', {})
    if (!groups.ok) throw new Error(JSON.stringify(groups))
    const g = groups.value[0]!
    const target = g.capacity + 3
    const r = await a.backend.invoke('groups.setCapacity', { groupId: g.id, capacity: target })
    expect(r.ok).toBe(true)
    // optimistic: visible immediately, marked pending
    const local = await a.backend.invoke('groups.list', {})
    expect(local.ok && local.value.find((x) => x.id === g.id)).toMatchObject({ capacity: target, pending: true })
    // the live engine pushes it; B is poked through server-sent events and pulls
    await until(
      async () => {
        const l = await b.backend.invoke('groups.list', {})
        return l.ok ? l.value.find((x) => x.id === g.id)?.capacity : null
      },
      (c) => c === target,
    )
    await until(async () => (await a.backend.invoke('sync.status', {})), (s) => s.ok && s.value.pending === 0)
    const after = await a.backend.invoke('groups.list', {})
    expect(after.ok && after.value.find((x) => x.id === g.id)).toMatchObject({ capacity: target, pending: false })
  })

  it('a command the server rejects is rolled back locally and listed until dismissed', async () => {
    const groups = await a.backend.invoke('groups.list', {})
    if (!groups.ok) throw new Error('groups')
    const g = groups.value.find((x) => x.enrolled > 0) ?? groups.value[0]!
    // the workstation's own check passes (capacity ≥ enrolled), the server's fails when
    // published vacancies also hold places: make the server's rule the deciding one by
    // racing B, which raises enrolled-equivalent occupancy first
    const before = g.capacity
    const bad = Math.max(g.enrolled, 0)
    // publish a vacancy from B so the server sees more occupied places than A knows
    const vac = await b.backend.context.session.enqueue('vacancy.publish', { vacancyId: `v-race-${kind}`, groupId: g.id, places: 1, birthYears: g.birthYears.length ? g.birthYears : [2021] }, [])
    expect(vac.id).toBeTruthy()
    await b.backend.invoke('sync.now', {})
    const r = await a.backend.invoke('groups.setCapacity', { groupId: g.id, capacity: bad })
    expect(r.ok).toBe(true)
    await a.backend.invoke('sync.now', {}).catch(() => undefined)
    const problems = await until(async () => a.backend.invoke('sync.problems', {}), (p) => p.ok && p.value.length === 1)
    if (!problems.ok) throw new Error('problems')
    expect(problems.value[0]).toMatchObject({ type: 'group.set_capacity', code: 'capacity_below_occupied' })
    // rolled back: the server's capacity again, not pending
    const now = await a.backend.invoke('groups.list', {})
    expect(now.ok && now.value.find((x) => x.id === g.id)).toMatchObject({ capacity: before, pending: false })
    const status = await a.backend.invoke('sync.status', {})
    expect(status.ok && status.value.problems).toBe(1)
    expect(await a.backend.invoke('sync.dismissProblem', { id: problems.value[0]!.id })).toEqual({ ok: true, value: true })
    const after = await a.backend.invoke('sync.problems', {})
    expect(after.ok && after.value).toEqual([])
  })

  it('a clerk of the region sees the kindergarten’s changes', async () => {
    const s = await signIn(clerk, central, 'clerk-saparova')
    expect(s.actor.role).toBe('clerk')
    await clerk.backend.invoke('sync.now', {})
    const vacancyId = `v-race-${kind}`
    const row = clerk.backend.context.sqlite.prepare("SELECT data FROM rows WHERE entity = 'vacancy' AND id = ?").get(vacancyId) as { data: string } | undefined
    expect(row && JSON.parse(row.data)).toMatchObject({ id: vacancyId, status: 'published' })
    expect(sortedEntries(mirrorView(clerk.backend))).toEqual(sortedEntries(await serverView(central, 'clerk-saparova')))
  })

  it('an unknown key cannot sign in, and a wrong password says so', async () => {
    const ws = await workstation(central)
    const foreign = await ws.backend.invoke('session.signIn', { key: { storage: 'pkcs12', path: central.store.pki.file('baldyrgan-head', 'auth'), password: 'wrong' } })
    expect(foreign).toEqual({ ok: false, error: { code: 'eds_p12_wrong_password' } })
    const parent = await ws.backend.invoke('session.signIn', { key: { storage: 'pkcs12', path: central.store.pki.file('parent-akhmetov', 'auth'), password: central.store.pki.password } })
    expect(parent.ok).toBe(false)
    await ws.close()
  })
})

describe('live updates', () => {
  let central: Central
  beforeAll(async () => {
    central = await startCentral('pglite')
  })
  afterAll(async () => {
    await central?.close()
  })

  async function capacityChange(writer: Workstation, reader: Workstation) {
    const groups = await writer.backend.invoke('groups.list', {})
    if (!groups.ok) throw new Error('groups')
    const g = groups.value[0]!
    const target = g.capacity + 1
    await writer.backend.invoke('groups.setCapacity', { groupId: g.id, capacity: target })
    const t0 = Date.now()
    await until(
      async () => {
        const l = await reader.backend.invoke('groups.list', {})
        return l.ok ? l.value.find((x) => x.id === g.id)?.capacity : null
      },
      (c) => c === target,
      8_000,
    )
    return Date.now() - t0
  }

  it('a server-sent event pokes the other workstation at once (polling set to a minute)', async () => {
    const writer = await workstation(central, { pollMs: 60_000 })
    const reader = await workstation(central, { pollMs: 60_000 })
    await signIn(writer, central, 'baldyrgan-head')
    await signIn(reader, central, 'baldyrgan-methodist')
    await until(async () => reader.backend.invoke('sync.status', {}), (s) => s.ok && s.value.lastSyncAt !== null)
    expect(await capacityChange(writer, reader)).toBeLessThan(5_000)
    await writer.close()
    await reader.close()
  })

  it('when the event stream fails, polling keeps the workstation up to date', async () => {
    // a proxy that refuses the event stream but passes everything else
    const { createServer: createHttp, request } = await import('node:http')
    const proxy = createHttp((req, res) => {
      if (req.url?.startsWith('/v1/events')) {
        res.writeHead(503).end()
        return
      }
      const up = request({ host: '127.0.0.1', port: central.port, path: req.url, method: req.method, headers: req.headers }, (u) => {
        res.writeHead(u.statusCode ?? 502, u.headers)
        u.pipe(res)
      })
      req.pipe(up)
    })
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()))
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`
    const writer = await workstation(central, { pollMs: 60_000 })
    const reader = await workstation(central, { pollMs: 300 })
    await reader.backend.invoke('settings.update', { serverUrl: proxyUrl })
    await signIn(writer, central, 'aigolek-head')
    await signIn(reader, central, 'aigolek-deputy')
    await until(async () => reader.backend.invoke('sync.status', {}), (s) => s.ok && s.value.lastSyncAt !== null)
    await capacityChange(writer, reader)
    await writer.close()
    await reader.close()
    proxy.closeAllConnections()
    await new Promise<void>((r) => proxy.close(() => r()))
  })

  it('status events reach subscribers as the state changes', async () => {
    const ws = await workstation(central)
    const seen: string[] = []
    ws.backend.on((event, payload) => {
      if (event === 'sync.status') seen.push((payload as { state: string }).state)
    })
    await signIn(ws, central, 'solnyshko-head')
    await until(() => seen, (s) => s.includes('online'))
    expect(seen).toContain('syncing')
    await ws.backend.invoke('session.signOut', {})
    expect(seen.at(-1)).toBe('signed_out')
    await ws.close()
  })
})
