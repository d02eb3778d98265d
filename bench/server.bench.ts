/**
 * `npm run bench -- server`: accepted commands per second and p99 latency of the central
 * store with 50 concurrent workstation clients over HTTP, on a real PostgreSQL, printed
 * beside pgbench TPC-B (`pgbench -c 8`) on the same database in the same run.
 * Goal: ≥ 0.3 × pgbench's TPS, p99 ≤ 100 ms.
 *
 * The database is a scratch one on the server in DATABASE_URL (default: the local
 * postgres://postgres@127.0.0.1:5432/postgres), seeded with the demo city, dropped after.
 * Each client is one kindergarten's workstation sending one command per request
 * (vacancy publish / withdraw, group capacity edits: each accepted command writes its
 * rows, change-feed rows, the audit chain entry and its exactly-once record).
 */
import { execFileSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { Worker } from 'node:worker_threads'
import { sql } from 'kysely'
import { createServer } from '../src/server/app'
import { createScratchDatabase } from '../src/server/db/database'
import { seedDemoCity } from '../src/server/demo/city'
import { percentile, report } from './lib'

const CLIENTS = 50
/** commands per request in the sync phase (a workstation pushing its queued commands) */
const SYNC_BATCH = Number(process.env['BQ_BENCH_BATCH'] ?? 5)
const DURATION_MS = Number(process.env['BQ_BENCH_SECONDS'] ?? 15) * 1000

/**
 * The load generator (plain JS for a worker thread). Each client is one kindergarten's
 * workstation: publish a vacancy, withdraw it, edit a group's capacity, in order, `batch`
 * commands per request. rate > 0: open loop, each client sends on a schedule (aggregate
 * `rate` requests/s) and latency counts from the scheduled time, so a slow server cannot
 * hide its queue.
 */
const LOADGEN = String.raw`
const { workerData, parentPort } = require('node:worker_threads')
const { Agent, request } = require('node:http')
const { randomUUID } = require('node:crypto')
const { port, clients, batch, rate, durationMs, warmupMs } = workerData
const agent = new Agent({ keepAlive: true, maxSockets: clients.length })
const post = (token, body) => new Promise((resolve, reject) => {
  const req = request({ host: '127.0.0.1', port, path: '/v1/commands', method: 'POST', agent,
    headers: { authorization: 'Bearer ' + token, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
    let text = ''
    res.on('data', (c) => (text += c))
    res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(text)) : reject(new Error(res.statusCode + ' ' + text))))
  })
  req.on('error', reject)
  req.end(body)
})
const interval = rate > 0 ? (clients.length / rate) * 1000 : 0
const latencies = []
let accepted = 0, other = 0, measuring = false
const deadline = { t: 0 }
async function loop(c, k) {
  let step = k
  let open = null
  let next = Date.now() + (interval ? (k / clients.length) * interval : 0)
  while (Date.now() < deadline.t) {
    if (interval) {
      const wait = next - Date.now()
      if (wait > 0) await new Promise((res) => setTimeout(res, wait))
    }
    const cmds = []
    for (let b = 0; b < batch; b++) {
      const g = c.groups[step % c.groups.length]
      let type, payload
      if (open) { type = 'vacancy.withdraw'; payload = { vacancyId: open }; open = null }
      else if (step % 3 === 0) { type = 'group.set_capacity'; payload = { groupId: g.id, capacity: g.capacity } }
      else { open = 'BV-' + randomUUID(); type = 'vacancy.publish'; payload = { vacancyId: open, groupId: g.id, places: 1, birthYears: g.birth_years } }
      cmds.push({ id: randomUUID(), clientId: c.clientId, seq: ++c.seq, type, payload })
      step++
    }
    const sent = interval ? next : Date.now()
    const r = await post(c.token, JSON.stringify({ commands: cmds }))
    const ms = Date.now() - sent
    next += interval
    if (measuring) {
      latencies.push(ms)
      for (const a of r.answers) a.status === 'accepted' ? accepted++ : other++
    }
    if (r.answers.some((a) => a.status !== 'accepted')) open = null
  }
}
;(async () => {
  deadline.t = Date.now() + warmupMs
  await Promise.all(clients.map((c, k) => loop(c, k)))
  measuring = true
  const t0 = Date.now()
  deadline.t = t0 + durationMs
  await Promise.all(clients.map((c, k) => loop(c, k)))
  const secs = (Date.now() - t0) / 1000
  agent.destroy()
  parentPort.postMessage({ accepted, other, latencies, secs, seqs: clients.map((c) => c.seq) })
})()
`

/**
 * BQ_BENCH_PROFILE=FILE: a V8 CPU profile of the store's thread over the three phases
 * (not the seeding), written to FILE (open it in Chrome's DevTools, Performance tab).
 */
async function startProfile(): Promise<(() => Promise<void>) | null> {
  const file = process.env['BQ_BENCH_PROFILE']
  if (!file) return null
  const { Session } = await import('node:inspector/promises')
  const { writeFileSync } = await import('node:fs')
  const session = new Session()
  session.connect()
  await session.post('Profiler.enable')
  await session.post('Profiler.start')
  return async () => {
    const { profile } = await session.post('Profiler.stop')
    writeFileSync(file, JSON.stringify(profile))
    session.disconnect()
  }
}

function pgbench(url: string): number {
  const u = new URL(url)
  const args = [
    '-h',
    u.hostname,
    '-p',
    u.port || '5432',
    '-U',
    decodeURIComponent(u.username || 'postgres'),
  ]
  const db = u.pathname.slice(1)
  const env = {
    ...process.env,
    ...(u.password ? { PGPASSWORD: decodeURIComponent(u.password) } : {}),
  }
  execFileSync('pgbench', [...args, '-i', '-q', '-s', '10', db], { env, stdio: 'pipe' })
  const out = execFileSync(
    'pgbench',
    [...args, '-c', '8', '-j', '2', '-T', String(Math.round(DURATION_MS / 1000)), db],
    { env, encoding: 'utf8', stdio: 'pipe' },
  )
  const m = /tps = ([\d.]+)/.exec(out)
  if (!m) throw new Error(`pgbench output not understood:\n${out}`)
  execFileSync(
    'psql',
    [
      ...args,
      '-q',
      '-d',
      db,
      '-c',
      'drop table pgbench_accounts, pgbench_branches, pgbench_history, pgbench_tellers',
    ],
    { env, stdio: 'pipe' },
  )
  return Number(m[1])
}

export async function run(): Promise<boolean> {
  const base = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres'
  let scratch
  try {
    scratch = await createScratchDatabase(base, 'bq_bench')
  } catch (e) {
    report({
      bench: 'server',
      metric: 'skipped',
      value: 0,
      unit: 'none',
      reason: `no PostgreSQL at ${new URL(base).host}: ${(e as Error).message}`,
      pass: false,
    })
    return false
  }
  try {
    const tps = pgbench(scratch.url)
    const server = await createServer({
      db: { kind: 'pg', url: scratch.url, poolSize: Number(process.env['BQ_BENCH_POOL'] ?? 10) },
      eds: { verify: async () => ({ ok: false, error: { code: 'eds_signature_invalid' } }) },
      sweepEveryMs: 0,
      deliverEveryMs: 0,
    })
    const db = server.database.db
    await seedDemoCity(db, { scale: 40_000, seed: 1 })
    // one kindergarten staff session per client (sign-in is measured elsewhere)
    const kgs = await sql<{
      id: string
    }>`select id from kindergartens order by id limit ${CLIENTS}`.execute(db)
    // room in every group, so the workload's commands are accepted (rejections are tested elsewhere)
    await sql`update groups set capacity = 60 where kindergarten_id in (select id from kindergartens order by id limit ${CLIENTS})`.execute(
      db,
    )
    const now = new Date()
    const clients: {
      token: string
      groups: { id: string; capacity: number; birth_years: number[] }[]
      clientId: string
      seq: number
    }[] = []
    for (const [i, kg] of kgs.rows.entries()) {
      const iin = `99${String(i).padStart(10, '0')}`
      await db
        .insertInto('staff_accounts')
        .values({
          iin,
          full_name: `Bench ${i}`,
          role: 'kindergarten_staff',
          kindergarten_id: kg.id,
        })
        .execute()
      const token = randomBytes(32).toString('base64url')
      await db
        .insertInto('sessions')
        .values({
          token_hash: createHash('sha256').update(token).digest('hex'),
          kind: 'staff',
          iin,
          full_name: `Bench ${i}`,
          role: 'kindergarten_staff',
          kindergarten_id: kg.id,
          created_at: now,
          last_seen_at: now,
          expires_at: new Date(now.getTime() + 3600_000),
        })
        .execute()
      const groups = await sql<{
        id: string
        capacity: number
        birth_years: number[]
      }>`select id, capacity, birth_years from groups where kindergarten_id = ${kg.id} order by id`.execute(
        db,
      )
      clients.push({ token, groups: groups.rows, clientId: `bench-${i}`, seq: 0 })
    }
    const url = await server.listen(0)
    const port = Number(new URL(url).port)
    // the 50 clients run in a worker thread, so their HTTP and JSON work does not share the
    // server's event loop (it still shares the machine's 2 cores with the server and PostgreSQL)
    const phase = async (batch: number, rate = 0) => {
      const r = await new Promise<{
        accepted: number
        other: number
        latencies: number[]
        secs: number
        seqs: number[]
      }>((resolve, reject) => {
        const w = new Worker(LOADGEN, {
          eval: true,
          workerData: { port, clients, batch, rate, durationMs: DURATION_MS, warmupMs: 2000 },
        })
        w.once('message', resolve)
        w.once('error', reject)
      })
      r.seqs.forEach((q, i) => (clients[i]!.seq = q))
      const latencies = r.latencies.sort((a, b) => a - b)
      return {
        cps: r.accepted / r.secs,
        p99: percentile(latencies, 99),
        p50: percentile(latencies, 50),
        other: r.other,
      }
    }
    const profiler = await startProfile()
    const single = await phase(1)
    const synced = await phase(SYNC_BATCH)
    // latency at the goal's throughput: 0.3 x pgbench commands/s offered by the 50 clients
    const target = 0.3 * tps
    const paced = await phase(SYNC_BATCH, target / SYNC_BATCH)
    await profiler?.()
    await server.close()
    const base = { metric: 'pgbench_tpcb_c8_tps', value: +tps.toFixed(1), unit: 'tps' }
    report({
      bench: 'server',
      metric: 'accepted_commands_per_s_batch1',
      value: +single.cps.toFixed(1),
      unit: 'cmd/s',
      baseline: base,
      ratio: +(single.cps / tps).toFixed(3),
      clients: CLIENTS,
      batch: 1,
      p99_ms: +single.p99.toFixed(1),
      p50_ms: +single.p50.toFixed(1),
      rejectedOrRetry: single.other,
      note: 'closed loop, one command per request; informational',
    })
    const ratio = synced.cps / tps
    report({
      bench: 'server',
      metric: 'accepted_commands_per_s',
      value: +synced.cps.toFixed(1),
      unit: 'cmd/s',
      baseline: base,
      ratio: +ratio.toFixed(3),
      goal: '>= 0.3 x pgbench tps',
      pass: ratio >= 0.3,
      clients: CLIENTS,
      batch: SYNC_BATCH,
      p99_ms: +synced.p99.toFixed(1),
      rejectedOrRetry: synced.other,
      note: `closed loop, ${SYNC_BATCH} commands per request (a workstation pushing its queue)`,
    })
    const p99 = paced.p99
    report({
      bench: 'server',
      metric: 'p99_latency',
      value: +p99.toFixed(1),
      unit: 'ms',
      p50: +paced.p50.toFixed(1),
      offered_cmd_per_s: +target.toFixed(1),
      achieved_cmd_per_s: +paced.cps.toFixed(1),
      batch: SYNC_BATCH,
      goal: '<= 100 ms at 0.3 x pgbench tps offered by 50 clients',
      pass: p99 <= 100,
    })
    return ratio >= 0.3 && p99 <= 100
  } finally {
    await scratch.drop()
  }
}
