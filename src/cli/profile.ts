import { resolve } from 'node:path'
import { createBackend, type Backend, type BackendOptions } from '../main/backend'
import { hostInfo } from '../main/host-info'
import { UsageError } from './command'

/** Open the workstation backend on a profile folder (`--profile DIR`). */
export function openProfile(profile: string | undefined, host: 'cli' | 'web', extra: Partial<BackendOptions> = {}): Backend {
  if (!profile) throw new UsageError('--profile DIR is required')
  return createBackend({ profileDir: resolve(profile), host: hostInfo(host), ...extra })
}
