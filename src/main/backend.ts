/**
 * The workstation backend: one typed handler table behind a single `invoke(name, args)`.
 * It knows nothing of Electron or HTTP; the three hosts (Electron IPC, the loopback web
 * host, the CLI) all call `invoke` and forward `on` events.
 *
 * - arguments are validated with the contract's zod schema before a handler runs;
 * - failures come back as `{ ok: false, error: { code, params } }`, never as thrown
 *   errors or message strings, and the UI translates the code;
 * - handlers marked `write` run one at a time, in arrival order.
 */
import { EventEmitter } from 'node:events'
import { join } from 'node:path'
import type { Kysely } from 'kysely'
import type Database from 'better-sqlite3'
import type { z } from 'zod'
import { AppError, type Violation } from '../core/result'
import {
  contract,
  isApiName,
  type ApiArgs,
  type ApiEventName,
  type ApiEvents,
  type ApiName,
  type ApiOutput,
  type ApiResult,
} from './api/contract'
import { DATABASE_FILE, openLocalDatabase, type OpenOptions } from './db/open'
import type { LocalDatabase } from './db/schema'
import { createProfileLogger, type Logger } from './log'
import type { DesktopCapability } from './updater'
import { handlers as defaultHandlers } from './handlers'
import { existsSync } from 'node:fs'
import { loadTrustStore, type TrustStore } from '../eds/trust'
import { shippedTrustDir } from './paths'
import { SessionService, type SessionServiceOptions } from './sync/session'
import { ExportManager } from './reports/exporter'

export interface HostInfo {
  host: 'electron' | 'web' | 'cli'
  appVersion: string
  versions: Record<string, string>
}

export interface BackendContext {
  db: Kysely<LocalDatabase>
  sqlite: Database.Database
  profileDir: string
  databasePath: string
  schemaVersion: number
  host: HostInfo
  log: Logger
  /** what only the desktop (Electron) host can do: updates; absent in the web host and CLI */
  desktop?: DesktopCapability
  /** the signed-in session, the local mirror and its sync engine */
  session: SessionService
  /** better-sqlite3's native binding when not node_modules' own (Electron): export workers open the file too */
  nativeBinding?: string
  /** Excel exports running in worker threads (src/main/reports/exporter.ts) */
  exports: ExportManager
  emit<E extends ApiEventName>(event: E, payload: ApiEvents[E]): void
}

export type Handler<K extends ApiName> = (
  args: ApiArgs<K>,
  ctx: BackendContext,
) => Promise<ApiOutput<K>>
export type HandlerTable = { [K in ApiName]: Handler<K> }

export type EventListener = <E extends ApiEventName>(event: E, payload: ApiEvents[E]) => void

export interface Backend {
  invoke<K extends ApiName>(name: K | string, args: unknown): Promise<ApiResult<K>>
  on(listener: EventListener): () => void
  readonly context: BackendContext
  close(): Promise<void>
}

export interface BackendOptions extends OpenOptions {
  profileDir: string
  host: HostInfo
  handlers?: HandlerTable
  /** default: rotating files in `<profileDir>/logs` (src/main/log.ts) */
  log?: Logger
  desktop?: DesktopCapability
  /** trust anchor folders (default: shipped resources/trust and <profile>/trust) */
  trustDirs?: string[]
  /** sync engine tuning (tests) */
  sync?: SessionServiceOptions['engine']
  now?: () => Date
}

/** Turn zod issues into one violation: a custom code set by the schema wins. */
export function violationFromZod(error: z.ZodError): Violation {
  for (const issue of error.issues) {
    const params = (issue as { params?: { code?: unknown } }).params
    if (issue.code === 'custom' && typeof params?.code === 'string') {
      return { code: params.code, params: { field: issue.path.join('.') } }
    }
  }
  const fields = [...new Set(error.issues.map((i) => i.path.join('.') || '(root)'))].join(', ')
  return { code: 'invalid_args', params: { details: fields } }
}

export function createBackend(options: BackendOptions): Backend {
  const local = openLocalDatabase(join(options.profileDir, DATABASE_FILE), options)
  const log = options.log ?? createProfileLogger(options.profileDir)
  const table = options.handlers ?? defaultHandlers
  const events = new EventEmitter()
  const emit: BackendContext['emit'] = (event, payload) => events.emit('event', event, payload)
  let trust: TrustStore | null = null
  const session = new SessionService({
    sqlite: local.sqlite,
    trust: () => (trust ??= loadTrustStore((options.trustDirs ?? [shippedTrustDir(), join(options.profileDir, 'trust')]).filter((d) => existsSync(d)))),
    onStatus: (status) => emit('sync.status', status),
    onError: (err) => log.log('warn', 'sync failed', { error: err instanceof Error ? err.message : String(err) }),
    ...(options.sync ? { engine: options.sync } : {}),
    ...(options.now ? { now: options.now } : {}),
  })
  const context: BackendContext = {
    db: local.db,
    sqlite: local.sqlite,
    profileDir: options.profileDir,
    databasePath: local.path,
    schemaVersion: local.schemaVersion,
    host: options.host,
    log,
    ...(options.desktop ? { desktop: options.desktop } : {}),
    session,
    ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
    exports: new ExportManager((p) => emit('export.progress', p)),
    emit,
  }
  let writeChain: Promise<unknown> = Promise.resolve()

  async function run(name: ApiName, args: unknown): Promise<unknown> {
    const handler = table[name] as (a: unknown, c: BackendContext) => Promise<unknown>
    return handler(args, context)
  }

  return {
    context,
    async invoke(name, rawArgs) {
      if (!isApiName(name)) {
        // the unknown name itself is not logged: it is caller input
        log.log('info', 'call refused', { code: 'unknown_handler' })
        return { ok: false, error: { code: 'unknown_handler', params: { name: String(name).slice(0, 80) } } }
      }
      const entry = contract[name]
      const parsed = entry.input.safeParse(rawArgs ?? {})
      if (!parsed.success) {
        const violation = violationFromZod(parsed.error)
        log.log('info', 'call refused', { handler: name, code: violation.code })
        return { ok: false, error: violation }
      }
      const started = Date.now()
      const exec = () => run(name, parsed.data)
      let pending: Promise<unknown>
      if (entry.write) {
        pending = writeChain.then(exec, exec)
        writeChain = pending.catch(() => undefined)
      } else {
        pending = exec()
      }
      try {
        const value = await pending
        // successful reads (polled by the UI) are debug: the log files keep writes and failures
        log.log(entry.write ? 'info' : 'debug', 'call', { handler: name, ok: true, ms: Date.now() - started })
        return { ok: true, value } as ApiResult<typeof name>
      } catch (err) {
        if (err instanceof AppError) {
          log.log('info', 'call', { handler: name, ok: false, code: err.code, ms: Date.now() - started })
          return { ok: false, error: err.toViolation() }
        }
        log.log('error', 'handler failed', {
          handler: name,
          error: err instanceof Error ? err.message : String(err),
          stack: err instanceof Error ? err.stack?.split('\n').slice(1, 6).join('\n') : undefined,
        })
        return { ok: false, error: { code: 'internal' } }
      }
    },
    on(listener) {
      const fn = listener as (...a: unknown[]) => void
      events.on('event', fn)
      return () => events.off('event', fn)
    },
    async close() {
      await writeChain
      await context.exports.closeAll()
      await session.signOut().catch(() => undefined)
      events.removeAllListeners()
      await local.close()
    },
  } as Backend
}
