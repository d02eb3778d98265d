import { formatViolation, type Lang } from '../core/messages'
import { AppError, type Violation } from '../core/result'

/** The CLI speaks the language in BQ_LANG (kk or ru); Kazakh by default. */
export function cliLang(): Lang {
  return process.env['BQ_LANG'] === 'ru' ? 'ru' : 'kk'
}

export function printViolation(v: Violation): void {
  process.stderr.write(`bq: ${formatViolation(v, cliLang())} [${v.code}]\n`)
}

/** Print any thrown value as a translated message; never prints stack traces or secrets. */
export function printError(err: unknown): void {
  if (err instanceof AppError) printViolation(err.toViolation())
  else process.stderr.write(`bq: ${err instanceof Error ? err.message : String(err)}\n`)
}
