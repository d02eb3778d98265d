/**
 * `npm run bench -- sync`: the initial sync of a 300,000-application demo city for a clerk
 * (the whole region), rows per second, beside a raw better-sqlite3 bulk insert of the same
 * rows into a fresh file in the same run. Goal: ≥ 0.5 × the raw rate and ≤ 15 s in all.
 * The central store runs as its own process (`bq server`, as in production), on a
 * scratch database of the PostgreSQL in DATABASE_URL, or on an embedded PGlite folder.
 * BQ_BENCH_SCALE overrides the number of applications. Needs `npm run build`.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { createBackend } from '../src/main/backend'
import { hostInfo } from '../src/main/host-info'
import { createLogger } from '../src/main/log'
import { createScratchDatabase, openDatabase } from '../src/server/db/database'
import { seedDemoCity } from '../src/server/demo/city'
import { ensureDemoPki } from '../test/helpers/demo-pki'
import { report, timeIt } from './lib'

function startServerProcess(args: string[], env: NodeJS.ProcessEnv): Promise<{ url: string; child: ChildProcess }> {
  const cli = join(__dirname, '..', 'out', 'main', 'cli.js')
  if (!existsSync(cli)) throw new Error('run `npm run build` first (out/main/cli.js is missing)')
  const child = spawn(process.execPath, [cli, 'server', '--port', '0', ...args], { env, stdio: ['ignore', 'pipe', 'inherit'] })
  return new Promise((resolve, reject) => {
    let out = ''
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString()
      const m = /(http:\/\/127\.0\.0\.1:\d+)/.exec(out)
      if (m) resolve({ url: m[1]!, child })
    })
    child.on('exit', (code) => reject(new Error(`bq server exited with ${code}`)))
  })
}

export async function run(): Promise<boolean> {
  const scale = Number(process.env['BQ_BENCH_SCALE'] ?? 300_000)
  const pki = await ensureDemoPki()
  const url = process.env['DATABASE_URL']
  const dir = mkdtempSync(join(tmpdir(), 'bq-bench-sync-'))
  const scratch = url ? await createScratchDatabase(url) : null
  const dbConfig = scratch ? ({ kind: 'pg', url: scratch.url } as const) : ({ kind: 'pglite', dir: join(dir, 'store') } as const)
  let server: { url: string; child: ChildProcess } | null = null
  try {
    const database = await openDatabase(dbConfig)
    const seedMs = await timeIt(() => seedDemoCity(database.db, { scale, seed: 1, now: new Date() }))
    process.stderr.write(`seeded ${scale} applications on ${database.kind} in ${(seedMs / 1000).toFixed(1)} s\n`)
    await database.close()
    const env = { ...process.env }
    if (scratch) env['DATABASE_URL'] = scratch.url
    else delete env['DATABASE_URL']
    server = await startServerProcess(
      [...(scratch ? [] : ['--data', join(dir, 'store')]), '--trust', pki.ca.trustDir, '--revocation', 'crl', '--crl', pki.ca.crlDer, '--notify-log', join(dir, 'notify.log')],
      env,
    )
    const base = server.url
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
      database: scratch ? 'pg' : 'pglite',
      goal: 'ratio >= 0.5 and seconds <= 15',
      pass,
    })
    return pass
  } finally {
    if (server) {
      server.child.kill('SIGTERM')
      await new Promise((r) => server!.child.once('exit', r))
    }
    if (scratch) await scratch.drop()
    rmSync(dir, { recursive: true, force: true })
  }
}
