/**
 * Test helpers for the central store: a store on PGlite or on a scratch database of the
 * PostgreSQL in DATABASE_URL, the demo PKI (real PKCS#12 keys, real CMS), sign-in and
 * command builders.
 */
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { Pkcs12Provider } from '../../src/eds/p12'
import { keyForPurpose } from '../../src/eds/provider'
import { loadTrustStore } from '../../src/eds/trust'
import { createServer, type ServerOptions, type StoreServer } from '../../src/server/app'
import { legalActContent } from '../../src/server/canonical'
import { ManualClock } from '../../src/server/clock'
import { createScratchDatabase, openDatabase, type Database } from '../../src/server/db/database'
import { seedDemoCity } from '../../src/server/demo/city'
import type { EdsAdapter } from '../../src/server/eds-adapter'
import { edsAdapter } from '../../src/server/eds-default'
import { ensureDemoPki, type DemoPki } from '../helpers/demo-pki'

export type Backend = 'pglite' | 'pg'
/** PGlite always; real PostgreSQL too when DATABASE_URL is set (CI). */
export const BACKENDS: Backend[] = process.env['DATABASE_URL'] ? ['pglite', 'pg'] : ['pglite']

export interface TestStore {
  server: StoreServer
  clock: ManualClock
  pki: DemoPki
  eds: EdsAdapter
  /** a second database handle factory for the same database (second instance) */
  dbConfig: ServerOptions['db']
  close(): Promise<void>
}

let pkiEds: Promise<{ pki: DemoPki; eds: EdsAdapter }> | null = null
export function demoEds(): Promise<{ pki: DemoPki; eds: EdsAdapter }> {
  pkiEds ??= (async () => {
    const pki = await ensureDemoPki()
    const eds = edsAdapter({
      trust: loadTrustStore(pki.ca.trustDir),
      revocation: { mode: 'crl', crls: [pki.ca.crlDer] },
    })
    return { pki, eds }
  })()
  return pkiEds
}

/** A store with the demo city (small scale) at the real current time (certificates are real). */
export async function startStore(
  backend: Backend,
  o: { scale?: number; seedCity?: boolean; extra?: Partial<ServerOptions> } = {},
): Promise<TestStore> {
  const { pki, eds } = await demoEds()
  const clock = new ManualClock(new Date())
  let drop: (() => Promise<void>) | null = null
  let shared: Database | null = null
  let dbConfig: ServerOptions['db']
  if (backend === 'pg') {
    const s = await createScratchDatabase(process.env['DATABASE_URL']!)
    drop = s.drop
    dbConfig = { kind: 'pg', url: s.url, poolSize: 30 }
  } else {
    shared = await openDatabase({ kind: 'pglite' })
    dbConfig = { kind: 'shared', database: shared }
  }
  const onError = process.env['BQ_TEST_DEBUG']
    ? (e: unknown) => console.error('store error:', e)
    : undefined
  const server = await createServer({
    db: dbConfig,
    clock,
    eds,
    sweepEveryMs: 0,
    deliverEveryMs: 0,
    loginRateLimit: 1000,
    ...(onError ? { onError } : {}),
    ...o.extra,
  })
  if (o.seedCity !== false)
    await seedDemoCity(server.database.db, { scale: o.scale ?? 300, seed: 7, now: clock.now() })
  return {
    server,
    clock,
    pki,
    eds,
    dbConfig,
    async close() {
      await server.close()
      if (shared) await shared.close()
      if (drop) await drop()
    },
  }
}

const providers = new Map<string, Pkcs12Provider>()
async function provider(
  pki: DemoPki,
  personId: string,
  purpose: 'auth' | 'sign',
): Promise<Pkcs12Provider> {
  const k = `${personId}/${purpose}`
  let p = providers.get(k)
  if (!p) {
    p = Pkcs12Provider.open(readFileSync(pki.file(personId, purpose)), Buffer.from(pki.password))
    providers.set(k, p)
  }
  return p
}

/** CMS (base64) by a demo person's key over `content`. */
export async function signAs(
  pki: DemoPki,
  personId: string,
  purpose: 'auth' | 'sign',
  content: Uint8Array,
): Promise<string> {
  const p = await provider(pki, personId, purpose)
  const key = await keyForPurpose(p, purpose).catch(async () => (await p.listKeys())[0]!)
  const cms = await p.sign(key.keyId, content, { detached: true })
  return Buffer.from(cms).toString('base64')
}

export async function loginAs(
  s: TestStore,
  personId: string,
  portal = false,
): Promise<{ status: number; token: string; body: any }> {
  const app = s.server.app
  const ch = await app.inject({ method: 'POST', url: '/v1/auth/challenge' })
  const { nonce } = ch.json() as { nonce: string }
  const cms = await signAs(s.pki, personId, 'auth', new TextEncoder().encode(nonce))
  const r = await app.inject({
    method: 'POST',
    url: portal ? '/v1/portal/auth/login' : '/v1/auth/login',
    payload: { nonce, cms },
  })
  const body = r.json()
  return { status: r.statusCode, token: body.token, body }
}

export interface Cmd {
  id: string
  clientId: string
  seq: number
  type: string
  payload: unknown
  signature?: string
}

/** Builds commands for one workstation: ids, client id, consecutive seq numbers. */
export class Client {
  seq = 0
  readonly clientId = `ws-${randomUUID().slice(0, 8)}`
  constructor(
    readonly s: TestStore,
    readonly token: string,
    readonly personId: string,
  ) {}
  async cmd(
    type: string,
    payload: unknown,
    o: { sign?: boolean | string; seq?: number } = {},
  ): Promise<Cmd> {
    // scenarios that do not study the bulletin's queue-only window (core's T1) publish
    // places whose bids opened 10 days ago, so anyone of the cohort may bid at once
    if (type === 'vacancy.publish' && payload && typeof payload === 'object' && !('bidsFrom' in payload)) {
      payload = { ...payload, bidsFrom: new Date(this.s.clock.now().getTime() - 10 * 86_400_000).toISOString() }
    }
    const c: Cmd = {
      id: randomUUID(),
      clientId: this.clientId,
      seq: o.seq ?? ++this.seq,
      type,
      payload,
    }
    if (o.sign)
      c.signature = await signAs(
        this.s.pki,
        typeof o.sign === 'string' ? o.sign : this.personId,
        'sign',
        legalActContent(c),
      )
    return c
  }
  async send(cmds: Cmd[]): Promise<any[]> {
    const r = await this.s.server.app.inject({
      method: 'POST',
      url: '/v1/commands',
      headers: { authorization: `Bearer ${this.token}` },
      payload: { commands: cmds },
    })
    if (r.statusCode !== 200) throw new Error(`commands: ${r.statusCode} ${r.body}`)
    return (r.json() as { answers: any[] }).answers
  }
  async one(type: string, payload: unknown, o: { sign?: boolean | string } = {}): Promise<any> {
    const [a] = await this.send([await this.cmd(type, payload, o)])
    return a
  }
}

export async function staffClient(s: TestStore, personId: string): Promise<Client> {
  const l = await loginAs(s, personId)
  if (l.status !== 200) throw new Error(`login ${personId}: ${l.status} ${JSON.stringify(l.body)}`)
  return new Client(s, l.token, personId)
}

/** A parent's portal session. */
export class Parent {
  constructor(
    readonly s: TestStore,
    readonly token: string,
    readonly personId: string,
  ) {}
  async post(
    path: string,
    body: Record<string, unknown>,
    o: { sign?: { type: string; payload: unknown } } = {},
  ): Promise<{ status: number; body: any }> {
    const id = (body['id'] as string | undefined) ?? randomUUID()
    const full: Record<string, unknown> = { ...body, id }
    if (o.sign)
      full['signature'] = await signAs(
        this.s.pki,
        this.personId,
        'sign',
        legalActContent({ id, type: o.sign.type, payload: o.sign.payload }),
      )
    const r = await this.s.server.app.inject({
      method: 'POST',
      url: path,
      headers: { authorization: `Bearer ${this.token}` },
      payload: full,
    })
    return { status: r.statusCode, body: r.json() }
  }
  /** Upload a file by its SHA-256 (the portal's documents), raw bytes. */
  async put(path: string, body: Buffer, contentType: string): Promise<{ status: number; body: any }> {
    const r = await this.s.server.app.inject({
      method: 'PUT',
      url: path,
      headers: { authorization: `Bearer ${this.token}`, 'content-type': contentType },
      payload: body,
    })
    return { status: r.statusCode, body: r.json() }
  }
  async get(path: string): Promise<any> {
    const r = await this.s.server.app.inject({
      method: 'GET',
      url: path,
      headers: { authorization: `Bearer ${this.token}` },
    })
    return r.json()
  }
}

export async function parentSession(s: TestStore, personId: string): Promise<Parent> {
  const l = await loginAs(s, personId, true)
  if (l.status !== 200)
    throw new Error(`portal login ${personId}: ${l.status} ${JSON.stringify(l.body)}`)
  return new Parent(s, l.token, personId)
}

export async function changes(s: TestStore, token: string, cursor = 0, limit = 1000): Promise<any> {
  const r = await s.server.app.inject({
    method: 'GET',
    url: `/v1/changes?cursor=${cursor}&limit=${limit}`,
    headers: { authorization: `Bearer ${token}` },
  })
  return r.json()
}

export async function allChanges(
  s: TestStore,
  token: string,
  from = 0,
): Promise<{ rows: any[]; cursor: number }> {
  const rows: any[] = []
  let cursor = from
  for (;;) {
    const page = await changes(s, token, cursor)
    rows.push(...page.changes)
    cursor = page.cursor
    if (!page.more) return { rows, cursor }
  }
}
