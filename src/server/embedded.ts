/**
 * An embedded central store for the workstation's `npm start` and demos: PGlite in a
 * folder, the demo city seeded on first start, listening on 127.0.0.1.
 *
 *   const store = await startEmbeddedStore({ dir: join(profile, 'store'), trustDir, crls })
 *   // point the workstation's sync client at store.url; await store.close() on exit
 */
import { loadTrustStore } from '../eds/trust'
import type { RevocationOptions } from '../eds/revocation'
import { createServer, type StoreServer } from './app'
import { seedDemoCity, type SeedStats } from './demo/city'
import { logFileAdapter } from './outbox'
import { join } from 'node:path'

export interface EmbeddedStoreOptions {
  dir: string
  /** 0 = any free port */
  port?: number
  /** trusted roots and intermediates (the demo PKI's trust folder for the demo) */
  trustDir: string
  revocation?: RevocationOptions
  /** seed the demo city when the store is empty (default true) */
  seedDemo?: boolean
  /** demo city size in applications (default 5,000: a few seconds on PGlite) */
  scale?: number
  seed?: number
}

export async function startEmbeddedStore(
  o: EmbeddedStoreOptions,
): Promise<{ url: string; store: StoreServer; seeded: SeedStats | null; close(): Promise<void> }> {
  const revocation = o.revocation ?? { mode: 'auto' }
  const store = await createServer({
    db: { kind: 'pglite', dir: o.dir },
    trust: {
      trust: loadTrustStore(o.trustDir),
      revocation,
      requireRevocation: revocation.mode !== 'none',
    },
    delivery: logFileAdapter(join(o.dir, '..', 'notifications.log')),
  })
  let seeded: SeedStats | null = null
  if (o.seedDemo !== false) {
    const s = await seedDemoCity(store.database.db, { scale: o.scale ?? 5000, seed: o.seed ?? 1 })
    seeded = s.skipped ? null : s
  }
  const url = await store.listen(o.port ?? 0)
  return { url, store, seeded, close: () => store.close() }
}
