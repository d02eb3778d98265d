/**
 * `npm run web` (bq web --demo): the embedded central store with the demo city and keys,
 * the web host pointed at it, and a demo key that signs in — the README's first command.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const ROOT = resolve(__dirname, '../..')
const CLI = join(ROOT, 'out', 'main', 'cli.js')

describe('bq web --demo', () => {
  let dir: string
  let child: ChildProcess
  let out = ''
  beforeAll(async () => {
    if (!existsSync(CLI) || !existsSync(join(ROOT, 'out', 'renderer', 'index.html'))) {
      const b = spawnSync(join(ROOT, 'node_modules/.bin/electron-vite'), ['build'], { cwd: ROOT, stdio: 'ignore' })
      if (b.status !== 0) throw new Error('build failed')
    }
    dir = mkdtempSync(join(tmpdir(), 'bq-demo-'))
    child = spawn(process.execPath, [CLI, 'web', '--demo', '--scale', '400', '--profile', dir], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DATABASE_URL: '' } })
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()))
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()))
    const t0 = Date.now()
    while (!/web host\): (\S+)/.test(out)) {
      if (Date.now() - t0 > 90_000 || child.exitCode !== null) throw new Error(`bq web --demo did not start:\n${out}`)
      await new Promise((r) => setTimeout(r, 200))
    }
  }, 120_000)
  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM')
      await new Promise((r) => child.once('exit', r))
    }
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('prints the demo keys and a UI address, and a demo staff key signs in against the embedded store', async () => {
    expect(out).toMatch(/central store \(demo\): http:\/\/127\.0\.0\.1:\d+/)
    expect(out).toContain('Demo keys (password Qwerty12)')
    const file = /baldyrgan-head \(staff\): (\S+AUTH_RSA256_\w+\.p12)/.exec(out)?.[1]
    expect(file && existsSync(file)).toBe(true)
    const url = new URL(/web host\): (\S+)/.exec(out)![1]!)
    const token = url.searchParams.get('token')!
    const call = async (name: string, args: unknown) => {
      const res = await fetch(`${url.origin}/api/${name}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(args) })
      return (await res.json()) as { ok: boolean; value?: any; error?: unknown }
    }
    const html = await (await fetch(`${url.origin}/`)).text()
    expect(html).toContain('/__bq/bridge.js')
    const signIn = await call('session.signIn', { key: { storage: 'pkcs12', path: file, password: 'Qwerty12' } })
    expect(signIn.ok, JSON.stringify(signIn.error)).toBe(true)
    expect(signIn.value.actor.role).toBe('kindergarten_staff')
    const sync = await call('sync.now', {})
    expect(sync.ok, JSON.stringify(sync.error)).toBe(true)
    const groups = await call('groups.list', {})
    expect(groups.ok && groups.value.length).toBeGreaterThan(0)
    // the password never reaches the logs
    const logs = join(dir, 'logs')
    if (existsSync(logs)) {
      for (const f of readdirSync(logs)) expect(readFileSync(join(logs, f), 'utf8')).not.toContain('Qwerty12')
    }
  }, 60_000)
})
