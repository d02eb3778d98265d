import { createHash } from 'node:crypto'

/** Canonical JSON: object keys sorted, no whitespace; what legal-act signatures cover. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v ?? null)
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`
  const o = v as Record<string, unknown>
  const keys = Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort()
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex')
}

/**
 * The bytes a legal act's CMS signs: canonical JSON of `{ id, type, payload }`.
 * The workstation builds the same bytes (export this function to it).
 */
export function legalActContent(cmd: { id: string; type: string; payload: unknown }): Uint8Array {
  return new TextEncoder().encode(canonicalJson({ id: cmd.id, type: cmd.type, payload: cmd.payload }))
}
