import { mkdtempSync, rmSync } from 'node:fs'
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
  const backend = createBackend({ profileDir, host: hostInfo('web'), ...(o.trustDirs ? { trustDirs: o.trustDirs } : {}) })
  const host = await startWebHost({ backend, rendererDir: builtRendererDir() })
  return {
    host,
    backend,
    profileDir,
    async stop() {
      await host.close()
      await backend.close()
      rmSync(profileDir, { recursive: true, force: true })
    },
  }
}
