/**
 * Canonical JSON (object keys sorted, no whitespace) and the bytes a legal act's CMS
 * signs: the canonical JSON of `{ id, type, payload }`. The workstation signs these bytes
 * and the central store verifies the signature over the same bytes.
 */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v ?? null)
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`
  const o = v as Record<string, unknown>
  const keys = Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort()
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`
}

export function legalActContent(cmd: { id: string; type: string; payload: unknown }): Uint8Array {
  return new TextEncoder().encode(canonicalJson({ id: cmd.id, type: cmd.type, payload: cmd.payload }))
}
