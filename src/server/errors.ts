import type { Params, Violation } from '../core/result'
import type { z } from 'zod'

/** An HTTP answer carrying a translatable `{ code, params }` body. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly params?: Params,
    readonly fields?: Record<string, string[]>,
  ) {
    super(code)
  }
  body(): Violation & { fields?: Record<string, string[]> } {
    const b: Violation & { fields?: Record<string, string[]> } = { code: this.code }
    if (this.params) b.params = this.params
    if (this.fields) b.fields = this.fields
    return b
  }
}

/** zod issues → `{ "a.b": ["message"] }`; never echoes the submitted values. */
export function fieldErrors(err: z.ZodError): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const i of err.issues) {
    const k = i.path.map(String).join('.') || '(body)'
    ;(out[k] ??= []).push(
      i.code === 'invalid_type'
        ? `invalid_type: expected ${String((i as { expected?: unknown }).expected)}`
        : i.message,
    )
  }
  return out
}

export function parseOr400<T>(schema: z.ZodType<T>, data: unknown): T {
  const r = schema.safeParse(data)
  if (!r.success) {
    const fields = fieldErrors(r.error)
    throw new HttpError(400, 'invalid_args', { details: Object.keys(fields).join(', ') }, fields)
  }
  return r.data
}
