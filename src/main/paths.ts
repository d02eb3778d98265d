import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'

/** The folder holding package.json, found upwards from this module (source or bundle). */
export function packageRoot(from: string = __dirname): string {
  let dir = from
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir
    const parent = dirname(dir)
    if (parent === dir) return from
    dir = parent
  }
}

export function builtRendererDir(): string {
  return join(packageRoot(), 'out', 'renderer')
}

function trustRoot(): string {
  const packaged = (process as { resourcesPath?: string }).resourcesPath
  const candidate = packaged ? join(packaged, 'trust') : ''
  return candidate && existsSync(candidate) ? candidate : join(packageRoot(), 'resources', 'trust')
}

/** Production trust anchors (the NCA roots the deployer installs; see docs/install.md). */
export function shippedTrustDir(): string {
  return join(trustRoot(), 'nca')
}

/** The demo PKI's anchors: trusted only in demo mode, never in production. */
export function demoTrustDir(): string {
  return join(trustRoot(), 'demo')
}
