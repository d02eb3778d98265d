/**
 * The central store as its own operating-system process (`bq server`, as deployed) on a
 * scratch PostgreSQL database, for end-to-end tests that want the store process running
 * beside the workstation. The test talks to it only over HTTP: `server().app.inject`
 * is a small adapter over `fetch`, so the store helpers (sign-in, staff commands, the
 * parents' portal) work unchanged. SQL checks go to the same database through a pool of
 * their own. Needs DATABASE_URL (a PGlite folder cannot be opened by two processes):
 * returns null without it.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer as netServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createServer, type StoreServer } from '../../src/server/app'
import { ManualClock } from '../../src/server/clock'
import { createScratchDatabase, openDatabase, type Database } from '../../src/server/db/database'
import { seedDemoCity } from '../../src/server/demo/city'
import { demoEds, type TestStore } from '../server/helpers'
import type { Central } from '../sync/helpers'

const root = resolve(__dirname, '../..')

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const s = netServer()
    s.once('error', fail)
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => done(port))
    })
  })
}

interface InjectOptions {
  method: string
  url: string
  headers?: Record<string, string>
  payload?: unknown
}

/** Fastify's `inject` answered by the store process over HTTP. */
function httpInject(base: string) {
  return async (o: InjectOptions) => {
    const headers: Record<string, string> = { ...(o.headers ?? {}) }
    let body: Uint8Array | string | undefined
    if (o.payload !== undefined) {
      if (Buffer.isBuffer(o.payload)) body = new Uint8Array(o.payload)
      else {
        body = JSON.stringify(o.payload)
        headers['content-type'] ??= 'application/json'
      }
    }
    const res = await fetch(`${base}${o.url}`, { method: o.method, headers, ...(body !== undefined ? { body } : {}) })
    const raw = Buffer.from(await res.arrayBuffer())
    return {
      statusCode: res.status,
      headers: Object.fromEntries(res.headers),
      rawPayload: raw,
      body: raw.toString('utf8'),
      json: () => JSON.parse(raw.toString('utf8')),
    }
  }
}

export async function startCentralProcess(scale = 120): Promise<Central | null> {
  const dbUrl = process.env['DATABASE_URL']
  if (!dbUrl) return null
  const { pki, eds } = await demoEds()
  const scratch = await createScratchDatabase(dbUrl)
  const dbConfig = { kind: 'pg' as const, url: scratch.url, poolSize: 4 }
  const clock = new ManualClock(new Date())
  // migrate and seed the demo city from here, then hand the database to the process
  const seeder = await createServer({ db: dbConfig, clock, eds, sweepEveryMs: 0, deliverEveryMs: 0 })
  await seedDemoCity(seeder.database.db, { scale, seed: 7, now: clock.now() })
  await seeder.close()
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const logDir = mkdtempSync(join(tmpdir(), 'bq-central-'))
  let child: ChildProcess | null = null
  let output = ''

  const launch = async (): Promise<void> => {
    const p = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(root, 'src/cli/bin.ts'),
        'server',
        '--port',
        String(port),
        '--trust',
        pki.ca.trustDir,
        '--revocation',
        'crl',
        '--crl',
        pki.ca.crlDer,
        '--notify-log',
        join(logDir, 'notifications.log'),
      ],
      { cwd: root, env: { ...process.env, DATABASE_URL: scratch.url }, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    child = p
    p.stdout!.on('data', (b: Buffer) => (output += b.toString()))
    p.stderr!.on('data', (b: Buffer) => (output += b.toString()))
    for (let i = 0; i < 300; i++) {
      if (p.exitCode !== null) throw new Error(`bq server exited ${p.exitCode}: ${output.slice(-2000)}`)
      const ok = await fetch(`${url}/v1/health`).then(
        (r) => r.ok,
        () => false,
      )
      if (ok) return
      await new Promise((r) => setTimeout(r, 100))
    }
    throw new Error(`bq server did not start: ${output.slice(-2000)}`)
  }
  const halt = async (): Promise<void> => {
    const p = child
    child = null
    if (!p || p.exitCode !== null) return
    const exited = new Promise<void>((r) => p.once('exit', () => r()))
    p.kill('SIGTERM')
    await exited
  }
  await launch()

  const server = { app: { inject: httpInject(url) } } as unknown as StoreServer
  const store = { server, clock, pki, eds, dbConfig, close: async () => undefined } as unknown as TestStore
  let db: Database | null = null
  return {
    store,
    server: () => server,
    async query<T>(text: string, params: unknown[] = []) {
      db ??= await openDatabase(dbConfig)
      const compiled = { sql: text, parameters: params, query: { kind: 'RawNode' } } as unknown as Parameters<typeof db.db.executeQuery>[0]
      return (await db.db.executeQuery<T>(compiled)).rows
    },
    url,
    port,
    stop: halt,
    async restart() {
      await halt()
      await launch()
    },
    async close() {
      await halt()
      if (db) await db.close()
      await scratch.drop()
      rmSync(logDir, { recursive: true, force: true })
    },
  }
}
