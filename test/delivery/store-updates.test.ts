/**
 * The feed mounts on the central store as the integrator wires `bq server --updates DIR`:
 * `registerUpdatesRoute(server.app, dir)` between createServer and listen. Checks that the
 * store's own hooks (authentication, headers) leave /updates/ public and intact.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServer, type StoreServer } from '../../src/server/app'
import { registerUpdatesRoute } from '../../src/main/updates-feed'
import { loadTrustStore } from '../../src/eds/trust'

let work: string
let server: StoreServer
let url: string

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'bq-store-updates-'))
  writeFileSync(join(work, 'latest.yml'), 'version: 0.2.0\n')
  // the shipped demo anchors, as `bq server` loads its --trust folder; sign-in is not exercised here
  server = await createServer({ db: { kind: 'pglite', dir: join(work, 'db') }, trust: { trust: loadTrustStore('resources/trust/demo'), revocation: { mode: 'none' }, requireRevocation: false }, sweepEveryMs: 0, deliverEveryMs: 0 })
  registerUpdatesRoute(server.app, work)
  url = await server.listen(0, '127.0.0.1')
}, 120_000)
afterAll(async () => {
  await server?.close()
  rmSync(work, { recursive: true, force: true })
})

describe('bq server --updates DIR', () => {
  it('serves the feed without a session, next to the store API', async () => {
    const res = await fetch(`${url.replace(/\/$/, '')}/updates/latest.yml`)
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('version: 0.2.0\n')
    expect((await fetch(`${url.replace(/\/$/, '')}/updates/missing.yml`)).status).toBe(404)
  })
})
