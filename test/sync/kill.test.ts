/**
 * Crash safety: the workstation process (the real `bq` CLI bundle) is killed with SIGKILL
 * at random points while it pulls, pushes and writes local actions, 200 times. After each
 * kill the SQLite file is reopened and checked; at the end everything is synced and
 * compared with the central store: no accepted command lost, none applied twice, the
 * mirror equal to the server's view of the scope.
 */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { staffClient } from '../server/helpers'
import { mirrorView, serverView, sortedEntries, startCentral, type Central } from './helpers'

const ROOT = resolve(__dirname, '../..')
const CLI = join(ROOT, 'out', 'main', 'cli.js')
const ITERATIONS = 200

interface Run {
  code: number | null
  killed: boolean
  stdout: string
  stderr: string
}

function runCli(args: string[], killAfterMs: number | null): Promise<Run> {
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    let killed = false
    const timer = killAfterMs === null ? null : setTimeout(() => {
      killed = child.kill('SIGKILL')
    }, killAfterMs)
    child.on('exit', (code) => {
      if (timer) clearTimeout(timer)
      resolveRun({ code, killed: killed && code === null, stdout, stderr })
    })
  })
}

function check(dbFile: string): { outboxIds: string[] } {
  const db = new Database(dbFile)
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
    // every optimistic effect belongs to a command still in the outbox
    const orphans = db.prepare('SELECT count(*) FROM local_rows WHERE command_id NOT IN (SELECT id FROM outbox)').pluck().get()
    expect(orphans).toBe(0)
    // per-person client sequence numbers are unique and contiguous in the outbox
    const seqs = db.prepare('SELECT client_seq FROM outbox ORDER BY client_seq').pluck().all() as number[]
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBe(seqs[i - 1]! + 1)
    return { outboxIds: db.prepare('SELECT id FROM outbox').pluck().all() as string[] }
  } finally {
    db.close()
  }
}

describe('crash safety under SIGKILL', () => {
  let central: Central
  let dir: string
  beforeAll(async () => {
    if (!existsSync(CLI)) {
      const b = spawnSync(join(ROOT, 'node_modules/.bin/electron-vite'), ['build'], { cwd: ROOT, stdio: 'ignore' })
      if (b.status !== 0) throw new Error('build failed')
    }
    central = await startCentral('pglite', 400)
    dir = mkdtempSync(join(tmpdir(), 'bq-kill-'))
  })
  afterAll(async () => {
    await central?.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it(`survives ${ITERATIONS} kills during pulls, pushes and local writes`, async () => {
    const profile = join(dir, 'profile')
    const passwordFile = join(dir, 'password')
    writeFileSync(passwordFile, central.store.pki.password + '\n', { mode: 0o600 })
    const key = ['--server', central.url, '--p12', central.store.pki.file('baldyrgan-head', 'auth'), '--password-file', passwordFile]
    const dbFile = join(profile, 'workstation.sqlite')

    // a first complete sync gives the profile its mirror
    const first = await runCli(['ws', 'sync', '--profile', profile, ...key], null)
    expect(first.stderr).toBe('')
    expect(first.code).toBe(0)
    const groups = (new Database(dbFile, { readonly: true }).prepare("SELECT id FROM server_rows WHERE entity = 'group'").pluck().all() as string[]).sort()
    expect(groups.length).toBeGreaterThan(0)

    // another workstation keeps changing the server, so every pull has work to do
    const other = await staffClient({ ...central.store, server: central.server() }, 'baldyrgan-methodist')

    const everEnqueued = new Set<string>()
    const confirmed = new Set<string>()
    let kills = 0
    for (let i = 0; i < ITERATIONS; i++) {
      await other.one('group.set_capacity', { groupId: groups[i % groups.length]!, capacity: 25 + (i % 9) })
      const delay = 40 + Math.floor(Math.random() * 500)
      const args =
        i % 2 === 0
          ? ['ws', 'sync', '--profile', profile, ...key]
          : ['ws', 'call', 'groups.setCapacity', '--profile', profile, '--args', JSON.stringify({ groupId: groups[(i * 7) % groups.length], capacity: 30 + (i % 11) }), ...key]
      const run = await runCli(args, delay)
      if (run.killed) kills++
      if (run.code === 0 && i % 2 === 1) confirmed.add((JSON.parse(run.stdout) as { commandId: string }).commandId)
      const { outboxIds } = check(dbFile)
      for (const id of outboxIds) everEnqueued.add(id)
    }
    // the kills really landed at many points
    expect(kills).toBeGreaterThan(ITERATIONS / 4)

    // finish: one clean sync pushes whatever is left and catches up
    const last = await runCli(['ws', 'sync', '--profile', profile, ...key], null)
    expect(last.stderr).toBe('')
    expect(last.code).toBe(0)
    const db = new Database(dbFile, { readonly: true })
    expect(db.prepare('SELECT count(*) FROM outbox').pluck().get()).toBe(0)
    expect(db.prepare('SELECT count(*) FROM sync_problems').pluck().get()).toBe(0)
    db.close()

    // no command confirmed to the user was lost; none applied twice
    for (const id of confirmed) everEnqueued.add(id)
    const ids = [...everEnqueued]
    const audited = await central.query<{ id: string; n: number }>('select command_id as id, count(*)::int as n from audit_log where command_id = any($1::text[]) group by command_id', [ids])
    expect(audited.map((r) => r.id).sort()).toEqual([...ids].sort())
    expect(audited.every((r) => Number(r.n) === 1)).toBe(true)
    for (const id of confirmed) expect(ids).toContain(id)

    // the mirror equals the server's view of the scope
    const { createBackend } = await import('../../src/main/backend')
    const { hostInfo } = await import('../../src/main/host-info')
    const { createLogger } = await import('../../src/main/log')
    const backend = createBackend({ profileDir: profile, host: hostInfo('cli'), log: createLogger(() => undefined) })
    expect(sortedEntries(mirrorView(backend))).toEqual(sortedEntries(await serverView(central, 'baldyrgan-head')))
    await backend.close()
  }, 600_000)
})
