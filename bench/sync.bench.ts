/**
 * `npm run bench -- sync`: the initial sync of a 300,000-application demo city for a clerk
 * (the whole region), rows per second, beside a raw better-sqlite3 bulk insert of the same
 * rows into a fresh file in the same run. Goal: ≥ 0.5 × the raw rate and ≤ 15 s in all.
 * Uses the PostgreSQL in DATABASE_URL (a scratch database) or embedded PGlite.
 * BQ_BENCH_SCALE overrides the number of applications.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { createBackend } from '../src/main/backend'
import { hostInfo } from '../src/main/host-info'
import { createLogger } from '../src/main/log'
import { loadTrustStore } from '../src/eds/trust'
import { createServer } from '../src/server/app'
import { createScratchDatabase, openDatabase } from '../src/server/db/database'
import { seedDemoCity } from '../src/server/demo/city'
import { edsAdapter } from '../src/server/eds-default'
import { ensureDemoPki } from '../test/helpers/demo-pki'
import { report, timeIt } from './lib'

export async function run(): Promise<boolean> {
  const scale = Number(process.env['BQ_BENCH_SCALE'] ?? 300_000)
  const pki = await ensureDemoPki()
  const url = process.env['DATABASE_URL']
  const scratch = url ? await createScratchDatabase(url) : null
  const shared = scratch ? null : await openDatabase({ kind: 'pglite' })
  const dbConfig = scratch ? ({ kind: 'pg', url: scratch.url } as const) : ({ kind: 'shared', database: shared! } as const)
  const server = await createServer({
    db: dbConfig,
    eds: edsAdapter({ trust: loadTrustStore(pki.ca.trustDir), revocation: { mode: 'crl', crls: [pki.ca.crlDer] } }),
    sweepEveryMs: 0,
    deliverEveryMs: 0,
  })
  const dir = mkdtempSync(join(tmpdir(), 'bq-bench-sync-'))
  try {
    const seedMs = await timeIt(() => seedDemoCity(server.database.db, { scale, seed: 1, now: new Date() }))
    process.stderr.write(`seeded ${scale} applications on ${server.database.kind} in ${(seedMs / 1000).toFixed(1)} s\n`)
    const base = await server.listen(0)
    const backend = createBackend({ profileDir: join(dir, 'ws'), host: hostInfo('cli'), trustDirs: [pki.ca.trustDir], log: createLogger(() => undefined) })
    await backend.invoke('settings.update', { serverUrl: base })
    await backend.context.session.signIn({ storage: 'pkcs12', path: pki.file('clerk-saparova', 'auth'), password: pki.password }, base, { live: false })
    let pulled = 0
    const syncMs = await timeIt(async () => {
      pulled = (await backend.context.session.syncNow()).pulled
    })
    const rows = backend.context.sqlite.prepare('SELECT entity, id, data, cursor FROM server_rows').all() as Array<{ entity: string; id: string; data: string; cursor: number }>
    await backend.close()

    // baseline: the same rows inserted raw into a fresh file, one prepared statement, one transaction
    const raw = new Database(join(dir, 'raw.sqlite'))
    raw.pragma('journal_mode = WAL')
    raw.pragma('synchronous = FULL')
    raw.exec('CREATE TABLE server_rows (entity TEXT NOT NULL, id TEXT NOT NULL, data TEXT NOT NULL, cursor INTEGER NOT NULL, PRIMARY KEY (entity, id)) STRICT, WITHOUT ROWID')
    const ins = raw.prepare('INSERT INTO server_rows (entity, id, data, cursor) VALUES (?, ?, ?, ?)')
    const rawMs = await timeIt(() => raw.transaction(() => rows.forEach((r) => ins.run(r.entity, r.id, r.data, r.cursor)))())
    raw.close()

    const rate = pulled / (syncMs / 1000)
    const rawRate = rows.length / (rawMs / 1000)
    const ratio = rate / rawRate
    const pass = ratio >= 0.5 && syncMs <= 15_000
    report({
      bench: 'sync',
      metric: 'initial clerk sync',
      value: Math.round(rate),
      unit: 'rows/s',
      baseline: { metric: 'raw better-sqlite3 bulk insert of the same rows', value: Math.round(rawRate), unit: 'rows/s' },
      ratio: Number(ratio.toFixed(3)),
      seconds: Number((syncMs / 1000).toFixed(2)),
      rows: pulled,
      applications: scale,
      database: server.database.kind,
      goal: 'ratio >= 0.5 and seconds <= 15',
      pass,
    })
    return pass
  } finally {
    await server.close()
    if (shared) await shared.close()
    if (scratch) await scratch.drop()
    rmSync(dir, { recursive: true, force: true })
  }
}
