/**
 * The demo PKI for tests: generated once (bq demo keys) into
 * node_modules/.cache/bq-demo-pki/v<version>, reused by every suite and regenerated when
 * older than a week (its CRL and certificates are dated from generation). Safe when
 * several test workers call it at once: one generates (under a lock folder, into a temp
 * folder renamed into place), the others wait for it.
 */
import { existsSync, readFileSync, statSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import {
  DEMO_PKI_VERSION,
  generateDemoPki,
  type DemoPkiManifest,
  type DemoPkiPerson,
} from '../../src/eds/demo/generate'

export interface DemoPki {
  dir: string
  manifest: DemoPkiManifest
  people: DemoPkiPerson[]
  password: string
  ca: {
    root: string
    intermediate: string
    crl: string
    crlDer: string
    trustDir: string
    foreignRoot: string
  }
  /** a person by id (also the bad ones: 'expired', 'revoked', ...) */
  person(id: string): DemoPkiPerson
  /** absolute path of a person's AUTH or SIGN file */
  file(id: string, purpose: 'auth' | 'sign'): string
}

const MAX_AGE_MS = 7 * 86_400_000
const cacheRoot = resolve(__dirname, '../../node_modules/.cache/bq-demo-pki')

function fresh(dir: string): DemoPkiManifest | null {
  const f = join(dir, 'people.json')
  if (!existsSync(f)) return null
  try {
    const m = JSON.parse(readFileSync(f, 'utf8')) as DemoPkiManifest
    if (m.version !== DEMO_PKI_VERSION) return null
    if (Date.now() - Date.parse(m.generatedAt) > MAX_AGE_MS) return null
    return m
  } catch {
    return null
  }
}

let memo: Promise<DemoPki> | null = null

export function ensureDemoPki(): Promise<DemoPki> {
  memo ??= load()
  return memo
}

async function load(): Promise<DemoPki> {
  const dir = join(cacheRoot, `v${DEMO_PKI_VERSION}`)
  let manifest = fresh(dir)
  if (!manifest) {
    await mkdir(cacheRoot, { recursive: true })
    // one generator at a time across test workers: the others wait for its result
    const lock = join(cacheRoot, `v${DEMO_PKI_VERSION}.lock`)
    const deadline = Date.now() + 180_000
    for (;;) {
      try {
        await mkdir(lock)
        break
      } catch {
        manifest = fresh(dir)
        if (manifest) break
        const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now())
        if (age > 120_000) await rm(lock, { recursive: true, force: true }) // a crashed generator
        if (Date.now() > deadline) throw new Error('timed out waiting for the demo PKI')
        await new Promise((r) => setTimeout(r, 200))
      }
    }
    if (!manifest) {
      try {
        manifest = fresh(dir)
        if (!manifest) {
          const tmp = await mkdtemp(join(cacheRoot, 'tmp-'))
          await generateDemoPki(tmp)
          if (existsSync(dir)) await rm(dir, { recursive: true, force: true })
          await rename(tmp, dir)
          manifest = JSON.parse(await readFile(join(dir, 'people.json'), 'utf8')) as DemoPkiManifest
        }
      } finally {
        await rm(lock, { recursive: true, force: true })
      }
    }
  }
  const m = manifest
  const person = (id: string): DemoPkiPerson => {
    const p = m.people.find((x) => x.id === id)
    if (!p) throw new Error(`no demo person ${id}`)
    return p
  }
  return {
    dir,
    manifest: m,
    people: m.people,
    password: m.password,
    ca: {
      root: join(dir, m.ca.root),
      intermediate: join(dir, m.ca.intermediate),
      crl: join(dir, m.ca.crl),
      crlDer: join(dir, m.ca.crlDer),
      trustDir: join(dir, m.ca.trustDir),
      foreignRoot: join(dir, m.ca.foreignRoot),
    },
    person,
    file: (id, purpose) => join(dir, person(id).files[purpose]),
  }
}
