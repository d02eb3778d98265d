/**
 * A minimal structured logger for the workstation backend. Every message and field passes
 * through `redact`, so a full IIN/BIN or a secret-named field never reaches a log.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error'
export type LogSink = (line: string) => void

const SECRET_KEY = /pin|pass(word)?|secret|token|private|key$/i

/** Mask every 12-digit number (IIN/BIN) to its first 6 digits. */
export function redactText(text: string): string {
  return text.replace(/(?<!\d)(\d{6})\d{6}(?!\d)/g, '$1******')
}

export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value)
  if (depth > 4 || value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1))
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = SECRET_KEY.test(k) ? '[redacted]' : redact(v, depth + 1)
  }
  return out
}

export interface Logger {
  log(level: LogLevel, message: string, fields?: Record<string, unknown>): void
}

export function createLogger(sink: LogSink = (l) => process.stderr.write(l + '\n')): Logger {
  return {
    log(level, message, fields) {
      const entry = { t: new Date().toISOString(), level, msg: redactText(message), ...(fields ? (redact(fields) as object) : {}) }
      sink(JSON.stringify(entry))
    },
  }
}
