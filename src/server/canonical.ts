import { createHash } from 'node:crypto'

export { canonicalJson, legalActContent } from '../core/canonical'

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex')
}
