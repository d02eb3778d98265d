/**
 * The logs of a whole session hold no demo IIN/BIN and no demo password. The backend is
 * exercised the way users reach it: over the web host's HTTP API (the same handler table
 * the Electron IPC serves) and the `bq` CLI, on one profile whose rotating log files are
 * then read back, together with the diagnostics bundle made from them. The calls include
 * failures that carry IINs, PINs and passwords in their arguments: sign-in with the demo
 * PKCS#12 keys (right and wrong password, missing file named after an IIN), a PKCS#11
 * module that does not exist, malformed arguments for every handler, unknown handler names.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_BAD_PEOPLE, DEMO_ORGANIZATIONS, DEMO_PASSWORD, DEMO_PEOPLE } from '../../src/eds/demo/people'
import { apiNames } from '../../src/main/api/contract'
import { createBackend, type Backend } from '../../src/main/backend'
import { hostInfo } from '../../src/main/host-info'
import { startWebHost, type WebHost } from '../../src/main/web-host'
import { ensureDemoPki, type DemoPki } from '../helpers/demo-pki'

const SECRETS = [
  ...DEMO_PEOPLE.map((p) => p.iin),
  ...DEMO_BAD_PEOPLE.map((p) => p.iin),
  ...DEMO_ORGANIZATIONS.map((o) => o.bin),
  DEMO_PASSWORD,
]

let profile: string
let backend: Backend
let host: WebHost
let pki: DemoPki

async function call(name: string, args: unknown): Promise<{ ok: boolean; error?: { code: string } }> {
  const res = await fetch(`http://127.0.0.1:${host.port}/api/${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${host.token}` },
    body: JSON.stringify(args),
  })
  return (await res.json()) as { ok: boolean; error?: { code: string } }
}

function logText(): string {
  const dir = join(profile, 'logs')
  return readdirSync(dir)
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n')
}

beforeAll(async () => {
  pki = await ensureDemoPki()
  profile = mkdtempSync(join(tmpdir(), 'bq-redaction-'))
  const renderer = join(profile, '..', `${profile.split(/[\\/]/).pop()}-renderer`)
  mkdirSync(renderer, { recursive: true })
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><html><head></head><body></body></html>')
  // the web host as `bq web --profile DIR` opens it: the default logger, files in <profile>/logs
  backend = createBackend({ profileDir: profile, host: hostInfo('web') })
  host = await startWebHost({ backend, rendererDir: renderer })
}, 120_000)

afterAll(async () => {
  await host?.close()
  await backend?.close()
  rmSync(profile, { recursive: true, force: true })
  rmSync(`${profile}-renderer`, { recursive: true, force: true })
})

describe('a full session leaves no IIN, BIN or password in the logs', () => {
  it('exercises the backend over HTTP and the CLI, then greps every log file and the diagnostics bundle', async () => {
    const iin = DEMO_PEOPLE.find((p) => p.role === 'parent')!.iin
    const staff = DEMO_PEOPLE.find((p) => p.id === 'baldyrgan-head')!
    const bin = DEMO_ORGANIZATIONS[0]!.bin

    // settings, with secrets where a careless user might put them
    expect((await call('settings.update', { serverUrl: `https://clerk:${DEMO_PASSWORD}@127.0.0.1:9/?iin=${iin}` })).ok).toBe(true)
    expect((await call('settings.update', { serverUrl: `ftp://${iin}:${DEMO_PASSWORD}@store` })).error?.code).toBe('invalid_server_url')
    expect((await call('settings.update', { pkcs11Modules: [`/opt/${iin}/lib.so`], password: DEMO_PASSWORD })).error?.code).toBe('invalid_args')

    // sign-in with the demo keys: right password (the store is unreachable), wrong password,
    // a revoked key, a file named after an IIN that does not exist, a PKCS#11 module that does not
    const signIns = [
      { storage: 'pkcs12', path: pki.file(staff.id, 'auth'), password: DEMO_PASSWORD },
      { storage: 'pkcs12', path: pki.file(staff.id, 'auth'), password: `${DEMO_PASSWORD}x` },
      { storage: 'pkcs12', path: pki.file('revoked', 'auth'), password: DEMO_PASSWORD },
      { storage: 'pkcs12', path: join(profile, `${iin}.p12`), password: DEMO_PASSWORD },
      { storage: 'pkcs11', module: `/opt/${bin}/libkztoken.so`, pin: '123456' },
    ]
    for (const key of signIns) expect((await call('session.signIn', { key })).ok).toBe(false)

    // every handler with malformed arguments full of secrets, and unknown handler names
    for (const name of apiNames) {
      if (name === 'update.install') continue
      await call(name, { iin, bin, password: DEMO_PASSWORD, pin: '1234', note: `${iin} ${DEMO_PASSWORD}` })
    }
    expect((await call(`eds.sign.${iin}.${DEMO_PASSWORD}`, { iin })).error?.code).toBe('unknown_handler')

    // ordinary calls, desktop-only calls
    for (const name of ['settings.get', 'app.about', 'sync.status', 'session.current'] as const) await call(name, {})
    expect((await call('update.check', {})).error?.code).toBe('not_available')

    // the CLI on the same profile, with an IIN in its arguments
    try {
      execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', 'ws', 'call', 'session.signIn', '--profile', profile, '--args', JSON.stringify({ key: { storage: 'pkcs12', path: `/nowhere/${iin}.p12`, password: DEMO_PASSWORD } })], {
        stdio: 'pipe',
        env: { ...process.env, BQ_LANG: 'ru' },
      })
    } catch {
      // a failed sign-in exits non-zero: expected
    }

    // a diagnostics bundle made from these logs
    const bundle = (await call('diagnostics.save', {})) as unknown as { ok: boolean; value: { path: string; entries: string[] } }
    expect(bundle.ok).toBe(true)
    expect(bundle.value.entries).toContain('logs/workstation.log')
    const unzipped = execFileSync('unzip', ['-p', bundle.value.path], { encoding: 'utf8' })

    const logs = logText()
    // the logs do record the session (so the grep below has something to find)
    for (const handler of ['settings.update', 'session.signIn', 'update.check']) expect(logs).toContain(`"handler":"${handler}"`)
    expect(logs).toContain('"msg":"diagnostics saved"')
    expect(logs).toContain('"code":"unknown_handler"')
    expect(unzipped).toContain('"handler":"session.signIn"')

    const leaks = (text: string) => SECRETS.filter((s) => text.includes(s))
    expect(leaks(logs)).toEqual([])
    expect(leaks(unzipped)).toEqual([])
  }, 120_000)
})
