import type { HostInfo } from './backend'
import pkg from '../../package.json'

/** Versions shown on the about page, for the host that runs the backend. */
export function hostInfo(host: HostInfo['host']): HostInfo {
  const versions: Record<string, string> = { node: process.versions.node }
  for (const k of ['electron', 'chrome', 'v8'] as const) {
    const v = process.versions[k]
    if (v) versions[k] = v
  }
  return { host, appVersion: pkg.version, versions }
}
