/**
 * Faults between a workstation and the central store: the server stopped in the middle of
 * a push and restarted; the connection cut after the server applied a batch but before the
 * answer arrived; the store unreachable at sign-in (offline session, queued legal acts).
 */
import { createServer as createHttpServer, request, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BACKENDS } from '../server/helpers'
import { mirrorView, serverView, signIn, sortedEntries, startCentral, until, workstation, type Central, type Workstation } from './helpers'

/** An HTTP proxy that can swallow the answer to the next command batch after forwarding it. */
function proxyTo(port: number) {
  const state = { dropNextCommandAnswer: false, dropped: 0 }
  const server: Server = createHttpServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const up = request({ host: '127.0.0.1', port, path: req.url, method: req.method, headers: req.headers }, (upRes) => {
        if (req.url === '/v1/commands' && state.dropNextCommandAnswer) {
          // the server has applied the batch; the workstation never hears the answer
          state.dropNextCommandAnswer = false
          state.dropped++
          upRes.resume()
          upRes.on('end', () => req.socket.destroy())
          return
        }
        res.writeHead(upRes.statusCode ?? 502, upRes.headers)
        upRes.pipe(res)
      })
      up.on('error', () => req.socket.destroy())
      up.end(Buffer.concat(chunks))
    })
  })
  return {
    state,
    async listen(): Promise<string> {
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    },
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  }
}

async function firstGroup(ws: Workstation) {
  const groups = await ws.backend.invoke('groups.list', {})
  if (!groups.ok || !groups.value[0]) throw new Error(`no groups: ${JSON.stringify(groups)}`)
  return groups.value[0]
}

describe.each(BACKENDS)('sync faults (%s)', (kind) => {
  let central: Central
  beforeAll(async () => {
    central = await startCentral(kind)
  })
  afterAll(async () => {
    await central?.close()
  })

  it('the server stopped mid-push and restarted: every command applied exactly once', async () => {
    const ws = await workstation(central)
    await signIn(ws, central, 'aigolek-head')
    await ws.backend.invoke('sync.now', {})
    const g = await firstGroup(ws)
    const ids: string[] = []
    for (let i = 0; i < 250; i++) {
      const r = await ws.backend.invoke('groups.setCapacity', { groupId: g.id, capacity: 30 + (i % 7) })
      if (!r.ok) throw new Error(JSON.stringify(r))
      ids.push(r.value.commandId)
    }
    const pushing = ws.backend.invoke('sync.now', {})
    // stop the server as soon as it has applied part of the push
    await until(async () => (await central.query<{ n: string }>('select count(*)::int as n from processed_commands where id = any($1::uuid[])', [ids]))[0]?.n, (n) => Number(n) > 0, 20_000)
    await central.stop()
    const failed = await pushing
    const applied = Number((await central.query<{ n: number }>('select count(*)::int as n from processed_commands where id = any($1::uuid[])', [ids]))[0]!.n)
    expect(applied).toBeGreaterThan(0)
    expect(applied).toBeLessThan(250)
    expect(failed).toMatchObject({ ok: false })
    await central.restart()
    await until(async () => ws.backend.invoke('sync.now', {}), (r) => r.ok, 20_000)
    const status = await ws.backend.invoke('sync.status', {})
    expect(status.ok && status.value).toMatchObject({ pending: 0, problems: 0 })
    const done = await central.query<{ id: string; n: number }>('select command_id as id, count(*)::int as n from audit_log where command_id = any($1::text[]) group by command_id', [ids])
    expect(done).toHaveLength(250)
    expect(done.every((r) => Number(r.n) === 1)).toBe(true)
    const after = await firstGroup(ws)
    expect(after.capacity).toBe(30 + (249 % 7))
    expect(sortedEntries(mirrorView(ws.backend))).toEqual(sortedEntries(await serverView(central, 'aigolek-head')))
    await ws.close()
  })

  it('the answer is lost after the server applied a batch: the retry does not apply it twice', async () => {
    const proxy = proxyTo(central.port)
    const proxyUrl = await proxy.listen()
    const ws = await workstation(central)
    await ws.backend.invoke('settings.update', { serverUrl: proxyUrl })
    await signIn(ws, central, 'solnyshko-head')
    await ws.backend.invoke('sync.now', {})
    const g = await firstGroup(ws)
    const vacancyId = `v-lost-answer-${kind}`
    const cmd = ws.backend.context.session.enqueue('vacancy.publish', { vacancyId, groupId: g.id, places: 1, birthYears: g.birthYears.length ? g.birthYears : [2021] }, [])
    proxy.state.dropNextCommandAnswer = true
    const first = await ws.backend.invoke('sync.now', {})
    expect(first).toMatchObject({ ok: false, error: { code: 'server_unreachable' } })
    expect(proxy.state.dropped).toBe(1)
    // the server did apply it
    expect(await central.query('select id from vacancies where id = $1', [vacancyId])).toHaveLength(1)
    const second = await ws.backend.invoke('sync.now', {})
    expect(second.ok).toBe(true)
    const problems = await ws.backend.invoke('sync.problems', {})
    expect(problems.ok && problems.value).toEqual([])
    expect(await central.query('select id from audit_log where command_id = $1', [cmd.id])).toHaveLength(1)
    expect(await central.query('select id from processed_commands where id = $1', [cmd.id])).toHaveLength(1)
    await ws.close()
    await proxy.close()
  })

  it('offline sign-in of a known person queues actions with their signatures until the store is back', async () => {
    const ws = await workstation(central)
    await signIn(ws, central, 'baldyrgan-head')
    await ws.backend.invoke('sync.now', {})
    await ws.backend.invoke('session.signOut', {})
    // an unknown person cannot sign in offline
    await central.stop()
    const unknown = await ws.backend.invoke('session.signIn', { key: { storage: 'pkcs12', path: central.store.pki.file('baldyrgan-teacher', 'auth'), password: central.store.pki.password } })
    expect(unknown).toEqual({ ok: false, error: { code: 'signin_offline_unknown' } })
    const s = await signIn(ws, central, 'baldyrgan-head')
    expect(s.offline).toBe(true)
    const g = await firstGroup(ws)
    const r = await ws.backend.invoke('groups.setCapacity', { groupId: g.id, capacity: g.capacity + 1 })
    expect(r.ok).toBe(true)
    const st = await ws.backend.invoke('sync.status', {})
    expect(st.ok && st.value).toMatchObject({ state: 'offline', offlineSession: true, pending: 1 })
    expect(await ws.backend.invoke('sync.now', {})).toEqual({ ok: false, error: { code: 'sync_offline_session' } })
    await central.restart()
    // back online: signing in again sends what was queued
    const online = await signIn(ws, central, 'baldyrgan-head')
    expect(online.offline).toBe(false)
    await until(async () => ws.backend.invoke('sync.status', {}), (x) => x.ok && x.value.pending === 0)
    expect((await firstGroup(ws)).capacity).toBe(g.capacity + 1)
    await ws.close()
  })
})
