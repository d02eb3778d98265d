/**
 * Demo mode for `npm start` and `npm run web`: an embedded central store (PGlite in the
 * profile folder) seeded with the demo city, and the demo PKI's keys to sign in with.
 * Everything is created on first start and reused afterwards. Never used in production:
 * the demo CA's private keys are public.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { DemoPkiManifest } from '../eds/demo/generate'
import { generateDemoPki } from '../eds/demo/generate'
import { loadTrustStore } from '../eds/trust'
import { createServer, type StoreServer } from '../server/app'
import { seedDemoCity } from '../server/demo/city'

export interface DemoStore {
  url: string
  keysDir: string
  manifest: DemoPkiManifest
  server: StoreServer
  close(): Promise<void>
}

export interface DemoOptions {
  dir: string
  /** applications in the demo city (default 40,000) */
  scale?: number
  port?: number
  log?: (line: string) => void
}

export async function startDemoStore(o: DemoOptions): Promise<DemoStore> {
  const log = o.log ?? (() => undefined)
  const keysDir = join(o.dir, 'demo-keys')
  let manifest: DemoPkiManifest
  if (existsSync(join(keysDir, 'people.json'))) {
    manifest = JSON.parse(readFileSync(join(keysDir, 'people.json'), 'utf8')) as DemoPkiManifest
  } else {
    log('creating the demo keys…')
    manifest = await generateDemoPki(keysDir)
  }
  const server = await createServer({
    db: { kind: 'pglite', dir: join(o.dir, 'store') },
    trust: {
      trust: loadTrustStore(join(keysDir, manifest.ca.trustDir)),
      revocation: { mode: 'crl', crls: [join(keysDir, manifest.ca.crlDer)] },
    },
  })
  const stats = await seedDemoCity(server.database.db, { scale: o.scale ?? 40_000, seed: 1 })
  if (!stats.skipped) log(`demo city: ${stats.kindergartens} kindergartens, ${stats.applications} applications (${(stats.ms / 1000).toFixed(1)} s)`)
  const url = await server.listen(o.port ?? 0, '127.0.0.1')
  return {
    url,
    keysDir,
    manifest,
    server,
    close: () => server.close(),
  }
}

/** The demo people to sign in as, with their AUTH key files (absolute paths). */
export function demoKeys(store: Pick<DemoStore, 'keysDir' | 'manifest'>): Array<{ id: string; role: string; authFile: string; signFile: string }> {
  return store.manifest.people
    .filter((p) => !p.bad)
    .map((p) => ({ id: p.id, role: p.role, authFile: join(store.keysDir, p.files.auth), signFile: join(store.keysDir, p.files.sign) }))
}

/** What the console tells a person trying the demo. */
export function demoSignInHint(store: DemoStore): string {
  const lines = [`Demo keys (password ${store.manifest.password}):`]
  for (const k of demoKeys(store).filter((k) => k.role !== 'parent')) lines.push(`  ${k.id} (${k.role}): ${k.authFile}`)
  return lines.join('\n')
}
