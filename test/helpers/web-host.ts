import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import {
  DEMO_BAD_PEOPLE,
  DEMO_ORGANIZATIONS,
  DEMO_PASSWORD,
  DEMO_PEOPLE,
} from '../../src/eds/demo/people'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createBackend, type Backend } from '../../src/main/backend'
import { hostInfo } from '../../src/main/host-info'
import { startWebHost, type WebHost } from '../../src/main/web-host'
import { builtRendererDir } from '../../src/main/paths'

export interface RunningHost {
  host: WebHost
  backend: Backend
  profileDir: string
  stop(): Promise<void>
}

/** A web host on a free port over a fresh profile folder, serving the built renderer. */
export async function startTestHost(o: { trustDirs?: string[] } = {}): Promise<RunningHost> {
  const profileDir = mkdtempSync(join(tmpdir(), 'bq-profile-'))
  const backend = createBackend({
    profileDir,
    host: hostInfo('web'),
    ...(o.trustDirs ? { trustDirs: o.trustDirs } : {}),
  })
  const host = await startWebHost({ backend, rendererDir: builtRendererDir() })
  return {
    host,
    backend,
    profileDir,
    async stop() {
      await host.close()
      await backend.close()
      // every end-to-end run ends with a look at its logs: no demo IIN/BIN, no password
      const leaks = secretsInLogs(join(profileDir, 'logs'))
      rmSync(profileDir, { recursive: true, force: true })
      if (leaks.length) throw new Error(`the workstation logs hold secrets: ${leaks.join(', ')}`)
    },
  }
}

const SECRETS = [
  ...DEMO_PEOPLE.map((p) => p.iin),
  ...DEMO_BAD_PEOPLE.map((p) => p.iin),
  ...DEMO_ORGANIZATIONS.map((o) => o.bin),
  DEMO_PASSWORD,
]

/** Which demo IINs/BINs or the demo password appear in the log files of a folder (masked). */
export function secretsInLogs(dir: string): string[] {
  if (!existsSync(dir)) return []
  const text = readdirSync(dir)
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n')
  return SECRETS.filter((s) => text.includes(s)).map((s) =>
    s === DEMO_PASSWORD ? 'the demo password' : `${s.slice(0, 6)}******`,
  )
}
