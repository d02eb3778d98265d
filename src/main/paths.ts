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

/** Trust anchors shipped with the program (demo anchors; production roots go beside them). */
export function shippedTrustDir(): string {
  const packaged = (process as { resourcesPath?: string }).resourcesPath
  const candidate = packaged ? join(packaged, 'trust') : ''
  return candidate && existsSync(candidate) ? candidate : join(packageRoot(), 'resources', 'trust')
}
