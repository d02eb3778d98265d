/**
 * A minimal structured logger for the workstation backend. Every message and field passes
 * through `redact`, so a full IIN/BIN or a secret-named field never reaches a log.
 *
 * Sinks: stderr (the default), and a size-rotating file sink in `<profile>/logs`
 * (`workstation.log`, then `workstation.1.log` … `workstation.<N-1>.log`, oldest dropped),
 * which every host uses through `createProfileLogger`.
 */
import { appendFileSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'
export type LogSink = (line: string) => void

const SECRET_KEY = /pin|pass(word)?|secret|token|private|key$/i
const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 }

/**
 * Mask every 12-digit number (IIN/BIN) to its first 6 digits, and the credentials of any
 * `scheme://user:password@host` address.
 */
export function redactText(text: string): string {
  return text
    .replace(/(?<!\d)(\d{6})\d{6}(?!\d)/g, '$1******')
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi, '$1[redacted]@')
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

/** A sink that only receives entries at or above `minLevel`. */
export interface LevelledSink {
  write: LogSink
  minLevel?: LogLevel
}

const stderrSink: LogSink = (l) => process.stderr.write(l + '\n')

export function createLogger(sink: LogSink | readonly LevelledSink[] = stderrSink): Logger {
  const sinks: LevelledSink[] = typeof sink === 'function' ? [{ write: sink }] : [...sink]
  return {
    log(level, message, fields) {
      const entry = { t: new Date().toISOString(), level, msg: redactText(message), ...(fields ? (redact(fields) as object) : {}) }
      const line = JSON.stringify(entry)
      for (const s of sinks) {
        if (LEVELS[level] < LEVELS[s.minLevel ?? 'debug']) continue
        try {
          s.write(line)
        } catch {
          // logging must never break the operation being logged
        }
      }
    },
  }
}

export const LOG_DIR = 'logs'
export const LOG_FILE = 'workstation.log'

export interface RotatingFileOptions {
  dir: string
  /** base file name, default `workstation.log` */
  file?: string
  /** rotate when the current file would exceed this size (default 1 MiB) */
  maxBytes?: number
  /** files kept, the current one included (default 5) */
  maxFiles?: number
}

/** Rotated file names, newest first: workstation.log, workstation.1.log, … */
export function rotatedNames(file: string, maxFiles: number): string[] {
  const dot = file.lastIndexOf('.')
  const stem = dot > 0 ? file.slice(0, dot) : file
  const ext = dot > 0 ? file.slice(dot) : ''
  return Array.from({ length: maxFiles }, (_, i) => (i === 0 ? file : `${stem}.${i}${ext}`))
}

/**
 * A size-based rotating file sink. Writes are synchronous appends (a line is on disk
 * before the call returns, so a crash loses nothing already logged).
 */
export function createRotatingFileSink(options: RotatingFileOptions): LogSink {
  const file = options.file ?? LOG_FILE
  const maxBytes = Math.max(1024, options.maxBytes ?? 1024 * 1024)
  const maxFiles = Math.max(1, options.maxFiles ?? 5)
  const names = rotatedNames(file, maxFiles)
  const current = join(options.dir, file)
  mkdirSync(options.dir, { recursive: true })
  let size: number
  try {
    size = statSync(current).size
  } catch {
    size = 0
  }

  function rotate(): void {
    rmSync(join(options.dir, names[names.length - 1]!), { force: true })
    for (let i = names.length - 2; i >= 0; i--) {
      try {
        renameSync(join(options.dir, names[i]!), join(options.dir, names[i + 1]!))
      } catch {
        // a missing generation is fine
      }
    }
    size = 0
  }

  return (line) => {
    const data = line + '\n'
    const bytes = Buffer.byteLength(data)
    if (size > 0 && size + bytes > maxBytes) {
      if (maxFiles === 1) {
        rmSync(current, { force: true })
        size = 0
      } else rotate()
    }
    appendFileSync(current, data, { mode: 0o600 })
    size += bytes
  }
}

/** Log files present in a log folder, newest generation first. */
export function listLogFiles(dir: string): string[] {
  let found: string[]
  try {
    found = readdirSync(dir).filter((f) => f.endsWith('.log'))
  } catch {
    return []
  }
  const gen = (f: string) => Number(/\.(\d+)\.log$/.exec(f)?.[1] ?? 0)
  return found.sort((a, b) => gen(a) - gen(b) || a.localeCompare(b)).map((f) => join(dir, f))
}

export interface ProfileLoggerOptions extends Omit<RotatingFileOptions, 'dir'> {
  /** also copy entries at or above this level to stderr (default: warn); null = never */
  stderrLevel?: LogLevel | null
}

/** The logger every host uses: `<profile>/logs/workstation.log`, rotated, plus warnings on stderr. */
export function createProfileLogger(profileDir: string, options: ProfileLoggerOptions = {}): Logger {
  const sinks: LevelledSink[] = [{ write: createRotatingFileSink({ ...options, dir: join(profileDir, LOG_DIR) }), minLevel: 'info' }]
  const stderrLevel = options.stderrLevel === undefined ? 'warn' : options.stderrLevel
  if (stderrLevel) sinks.push({ write: stderrSink, minLevel: stderrLevel })
  return createLogger(sinks)
}
