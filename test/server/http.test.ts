import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { randomUUID } from 'node:crypto'
import { createServer, type StoreServer } from '../../src/server/app'
import { commandDefs } from '../../src/server/commands/engine'
import { staffClient, startStore, type TestStore } from './helpers'

describe('HTTP boundary', () => {
  let s: TestStore
  let broken: StoreServer
  beforeAll(async () => {
    s = await startStore('pglite', { scale: 50, extra: { bodyLimit: 64 * 1024 } })
    // an EDS adapter that fails unexpectedly with personal data in its message
    broken = await createServer({
      db: { kind: 'shared', database: s.server.database },
      eds: {
        verify: async () => {
          throw new Error('boom for 990101300123 at /secret/path')
        },
      },
      sweepEveryMs: 0,
      deliverEveryMs: 0,
    })
  })
  afterAll(async () => {
    await broken?.close()
    await s?.close()
  })

  it('answers 400 with field errors for a malformed batch, never echoing values', async () => {
    const c = await staffClient(s, 'baldyrgan-head')
    const bad = { commands: [{ id: 'not-a-uuid', clientId: '', seq: 0, type: 'x', payload: {} }] }
    const r = await s.server.app.inject({
      method: 'POST',
      url: '/v1/commands',
      headers: { authorization: `Bearer ${c.token}` },
      payload: bad,
    })
    expect(r.statusCode).toBe(400)
    const body = r.json()
    expect(body.code).toBe('invalid_args')
    expect(Object.keys(body.fields).sort()).toEqual([
      'commands.0.clientId',
      'commands.0.id',
      'commands.0.seq',
    ])
    expect(r.body).not.toContain('not-a-uuid')
    const empty = await s.server.app.inject({
      method: 'POST',
      url: '/v1/commands',
      headers: { authorization: `Bearer ${c.token}` },
      payload: { commands: [] },
    })
    expect(empty.statusCode).toBe(400)
    const many = {
      commands: Array.from({ length: 101 }, (_, i) => ({
        id: randomUUID(),
        clientId: 'c',
        seq: i + 1,
        type: 't',
        payload: {},
      })),
    }
    expect(
      (
        await s.server.app.inject({
          method: 'POST',
          url: '/v1/commands',
          headers: { authorization: `Bearer ${c.token}` },
          payload: many,
        })
      ).statusCode,
    ).toBe(400)
  })

  it('rejects bad JSON, wrong media types, oversized bodies and unknown routes with codes', async () => {
    const j = await s.server.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"nonce":',
    })
    expect(j.statusCode).toBe(400)
    expect(j.json()).toEqual({ code: 'invalid_json' })
    const t = await s.server.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      headers: { 'content-type': 'text/plain' },
      payload: 'hello',
    })
    expect(t.statusCode).toBe(415)
    const big = await s.server.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { nonce: 'x'.repeat(100_000), cms: 'y' },
    })
    expect(big.statusCode).toBe(413)
    expect(big.json()).toEqual({ code: 'payload_too_large' })
    const nf = await s.server.app.inject({ method: 'GET', url: '/v1/nope' })
    expect(nf.statusCode).toBe(404)
    expect(nf.json()).toEqual({ code: 'not_found_route' })
  })

  it('an unexpected failure answers 500 { code: internal } without stack or personal data', async () => {
    const ch = (await broken.app.inject({ method: 'POST', url: '/v1/auth/challenge' })).json()
    const r = await broken.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { nonce: ch.nonce, cms: 'Y'.repeat(40) },
    })
    expect(r.statusCode).toBe(500)
    expect(r.json()).toEqual({ code: 'internal' })
    expect(r.body).not.toMatch(/990101|secret|at \//)
  })

  it('serves the OpenAPI description with every command payload schema', async () => {
    const r = await s.server.app.inject({ method: 'GET', url: '/v1/openapi.json' })
    expect(r.statusCode).toBe(200)
    const doc = r.json()
    expect(doc.openapi).toBe('3.1.0')
    for (const p of [
      '/v1/auth/challenge',
      '/v1/auth/login',
      '/v1/commands',
      '/v1/changes',
      '/v1/events',
      '/v1/portal/applications',
      '/v1/portal/contracts/{contractId}/sign',
    ])
      expect(doc.paths[p], p).toBeDefined()
    for (const t of commandDefs.keys()) expect(doc.components.schemas[t], t).toBeDefined()
    expect(doc.components.schemas['bid.activate']['x-legal-act']).toBe(true)
    expect(doc.components.schemas['vacancy.publish'].properties.places.type).toBe('integer')
  })
})
