/**
 * Workstation-side sync test helpers: a central store listening on a loopback port (the
 * same process as the test, PGlite or PostgreSQL), workstation backends on temp profiles
 * signed in with the demo PKI's real PKCS#12 keys, and the server's view of a scope.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createBackend, type Backend } from '../../src/main/backend'
import { hostInfo } from '../../src/main/host-info'
import { createLogger } from '../../src/main/log'
import { createServer, type StoreServer } from '../../src/server/app'
import { openDatabase, type Database } from '../../src/server/db/database'
import { allChanges, loginAs, startStore, type Backend as DbKind, type TestStore } from '../server/helpers'

export interface Central {
  store: TestStore
  /** the server instance now serving */
  server(): StoreServer
  /** run SQL on the central database (whichever instance serves it) */
  query<T>(text: string, params?: unknown[]): Promise<T[]>
  url: string
  port: number
  /** stop the HTTP server only (the database stays) */
  stop(): Promise<void>
  /** start a fresh server instance over the same database, on the same port */
  restart(): Promise<void>
  close(): Promise<void>
}

export async function startCentral(kind: DbKind, scale = 120): Promise<Central> {
  const store = await startStore(kind, { scale })
  let server: StoreServer = store.server
  const url = await server.listen(0)
  const port = Number(new URL(url).port)
  let running = true
  let db: Database | null = null
  const central: Central = {
    store,
    server: () => server,
    async query<T>(text: string, params: unknown[] = []) {
      db ??= await openDatabase(store.dbConfig)
      const compiled = { sql: text, parameters: params, query: { kind: 'RawNode' } } as unknown as Parameters<typeof db.db.executeQuery>[0]
      const r = await db.db.executeQuery<T>(compiled)
      return r.rows
    },
    url,
    port,
    async stop() {
      if (!running) return
      running = false
      await server.close()
    },
    async restart() {
      await central.stop()
      server = await createServer({ db: store.dbConfig, clock: store.clock, eds: store.eds, sweepEveryMs: 0, deliverEveryMs: 0, loginRateLimit: 1000 })
      await server.listen(port)
      running = true
    },
    async close() {
      if (db && store.dbConfig.kind !== 'shared') await db.close()
      await central.stop().catch(() => undefined)
      if (server !== store.server) await store.server.close().catch(() => undefined)
      await store.close()
    },
  }
  return central
}

export interface Workstation {
  backend: Backend
  profile: string
  close(): Promise<void>
}

export async function workstation(central: Central, o: { profile?: string; pollMs?: number } = {}): Promise<Workstation> {
  const profile = o.profile ?? mkdtempSync(join(tmpdir(), 'bq-ws-'))
  const backend = createBackend({
    profileDir: profile,
    host: hostInfo('cli'),
    trustDirs: [central.store.pki.ca.trustDir],
    sync: { pollMs: o.pollMs ?? 200, minBackoffMs: 50, maxBackoffMs: 400 },
    log: createLogger(() => undefined),
  })
  const r = await backend.invoke('settings.update', { serverUrl: central.url })
  if (!r.ok) throw new Error(JSON.stringify(r))
  return {
    backend,
    profile,
    async close() {
      await backend.close()
      if (!o.profile) rmSync(profile, { recursive: true, force: true })
    },
  }
}

export function keyOf(central: Central, personId: string) {
  return { storage: 'pkcs12' as const, path: central.store.pki.file(personId, 'auth'), password: central.store.pki.password }
}

export async function signIn(ws: Workstation, central: Central, personId: string) {
  const r = await ws.backend.invoke('session.signIn', { key: keyOf(central, personId) })
  if (!r.ok) throw new Error(`sign-in ${personId}: ${JSON.stringify(r.error)}`)
  return r.value
}

/** JSON text in one spelling (PostgreSQL's jsonb text puts spaces after ':' and ','). */
function normal(text: string): string {
  return JSON.stringify(JSON.parse(text))
}

/** The server's current view of a person's scope: entity/id → data, from the whole feed. */
export async function serverView(central: Central, personId: string): Promise<Map<string, string>> {
  const store = { ...central.store, server: central.server() }
  const l = await loginAs(store, personId)
  const { rows } = await allChanges(store, l.token)
  const view = new Map<string, string>()
  for (const c of rows) {
    const k = `${c.entity}/${c.id}`
    if (c.op === 'delete') view.delete(k)
    else view.set(k, normal(JSON.stringify(c.data)))
  }
  return view
}

/** The workstation mirror's server rows, in the same shape. */
export function mirrorView(backend: Backend): Map<string, string> {
  const rows = backend.context.sqlite.prepare('SELECT entity, id, data FROM server_rows').all() as Array<{ entity: string; id: string; data: string }>
  return new Map(rows.map((r) => [`${r.entity}/${r.id}`, normal(r.data)]))
}

export function sortedEntries(m: Map<string, string>): Array<[string, string]> {
  return [...m.entries()].sort((a, b) => a[0].localeCompare(b[0]))
}

export async function until<T>(fn: () => T | Promise<T>, ok: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const t0 = Date.now()
  for (;;) {
    const v = await fn()
    if (ok(v)) return v
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out; last value: ${JSON.stringify(v)}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}
