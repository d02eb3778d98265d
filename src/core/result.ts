/**
 * Typed results shared by every layer: a rule violation or a handler failure is data
 * `{ code, params }`, never a message string. The UI and the CLI translate codes through
 * the catalog in `messages/`.
 */
export type Params = Record<string, string | number | boolean | null>

export interface Violation {
  code: string
  params?: Params
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: Violation }

export const ok = <T>(value: T): Result<T> => ({ ok: true, value })
export const fail = (code: string, params?: Params): { ok: false; error: Violation } =>
  params === undefined ? { ok: false, error: { code } } : { ok: false, error: { code, params } }

/** An error that carries a translatable violation across async boundaries. */
export class AppError extends Error {
  readonly code: string
  readonly params: Params | undefined
  constructor(code: string, params?: Params) {
    super(code)
    this.name = 'AppError'
    this.code = code
    this.params = params
  }
  toViolation(): Violation {
    return this.params === undefined ? { code: this.code } : { code: this.code, params: this.params }
  }
}
