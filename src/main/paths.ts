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
