import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBackend, type Backend } from '../../src/main/backend'
import { hostInfo } from '../../src/main/host-info'
import { startWebHost, type WebHost } from '../../src/main/web-host'

let dir: string
let backend: Backend
let host: WebHost
let base: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bq-webhost-'))
  const renderer = join(dir, 'renderer')
  mkdirSync(join(renderer, 'assets'), { recursive: true })
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><html><head><title>x</title></head><body></body></html>')
  writeFileSync(join(renderer, 'assets', 'app.js'), 'console.log(1)')
  writeFileSync(join(dir, 'secret.txt'), 'secret')
  backend = createBackend({ profileDir: join(dir, 'profile'), host: hostInfo('web') })
  host = await startWebHost({ backend, rendererDir: renderer, maxBodyBytes: 1000 })
  base = `http://127.0.0.1:${host.port}`
})
afterAll(async () => {
  await host.close()
  await backend.close()
  rmSync(dir, { recursive: true, force: true })
})

/** Raw request, so tests can send any Host header. */
function raw(path: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: host.port, path, method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      let body = ''
      res.on('data', (c) => (body += c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('error', reject)
    if (opts.body) req.write(opts.body)
    req.end()
  })
}

const auth = () => ({ authorization: `Bearer ${host.token}`, 'content-type': 'application/json' })

describe('web host', () => {
  it('listens on loopback only and announces a URL carrying the token', () => {
    expect(host.server.address()).toMatchObject({ address: '127.0.0.1' })
    expect(host.url).toBe(`${base}/?token=${host.token}`)
    expect(host.token.length).toBeGreaterThanOrEqual(32)
  })

  it('serves handlers to the token holder', async () => {
    const res = await fetch(`${base}/api/settings.update`, { method: 'POST', headers: auth(), body: JSON.stringify({ language: 'ru' }) })
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ ok: true, value: { language: 'ru' } })
  })

  it('refuses a missing or wrong token, a foreign origin and a rebound host name', async () => {
    const none = await fetch(`${base}/api/settings.get`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
    expect(none.status).toBe(401)
    const wrong = await fetch(`${base}/api/settings.get`, { method: 'POST', headers: { ...auth(), authorization: 'Bearer nope' }, body: '{}' })
    expect(wrong.status).toBe(401)
    const foreign = await fetch(`${base}/api/settings.get`, { method: 'POST', headers: { ...auth(), origin: 'https://evil.example' }, body: '{}' })
    expect(foreign.status).toBe(403)
    const rebound = await raw('/api/settings.get', { method: 'POST', headers: { ...auth(), host: `evil.example:${host.port}` }, body: '{}' })
    expect(rebound.status).toBe(421)
  })

  it('answers bad bodies with codes and changes nothing', async () => {
    const before = await backend.invoke('settings.get', {})
    const badJson = await fetch(`${base}/api/settings.update`, { method: 'POST', headers: auth(), body: '{"language":' })
    expect(badJson.status).toBe(400)
    const tooBig = await fetch(`${base}/api/settings.update`, { method: 'POST', headers: auth(), body: JSON.stringify({ serverUrl: 'https://' + 'a'.repeat(2000) }) })
    expect(tooBig.status).toBe(413)
    const wrongType = await fetch(`${base}/api/settings.update`, { method: 'POST', headers: { ...auth(), 'content-type': 'text/plain' }, body: '{}' })
    expect(wrongType.status).toBe(415)
    const invalid = await fetch(`${base}/api/settings.update`, { method: 'POST', headers: auth(), body: JSON.stringify({ lockAfterMinutes: -1 }) })
    expect(await invalid.json()).toEqual({ ok: false, error: { code: 'invalid_args', params: { details: 'lockAfterMinutes' } } })
    expect(await backend.invoke('settings.get', {})).toEqual(before)
  })

  it('serves the renderer with its CSP and the bridge, and nothing outside its folder', async () => {
    const index = await fetch(`${base}/`)
    expect(index.headers.get('content-security-policy')).toContain("default-src 'self'")
    expect(await index.text()).toContain('<script src="/__bq/bridge.js"></script>')
    const bridge = await fetch(`${base}/__bq/bridge.js`)
    expect(await bridge.text()).toContain('window.api = Object.freeze')
    expect(await (await fetch(`${base}/assets/app.js`)).text()).toBe('console.log(1)')
    const escape = await raw('/..%2fsecret.txt')
    expect(escape.body).not.toContain('secret')
    const escape2 = await raw('/assets/../../secret.txt')
    expect(escape2.body).not.toContain('secret')
  })

  it('streams backend events to a token holder over server-sent events', async () => {
    const refused = await fetch(`${base}/api/events?token=wrong`)
    expect(refused.status).toBe(401)
    const controller = new AbortController()
    const res = await fetch(`${base}/api/events?token=${host.token}`, { signal: controller.signal })
    const reader = res.body!.getReader()
    await reader.read() // ": connected"
    await backend.invoke('settings.update', { language: 'kk' })
    let text = ''
    while (!text.includes('\n\n')) text += new TextDecoder().decode((await reader.read()).value)
    expect(JSON.parse(text.replace(/^data: /, ''))).toMatchObject({ event: 'settings.changed', payload: { language: 'kk' } })
    controller.abort()
  })
})
