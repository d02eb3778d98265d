/**
 * The sync engine: pushes the outbox, pulls the change feed, and keeps doing so while a
 * session is open — woken by the central store's server-sent events, by polling when the
 * event stream fails, and by local actions. Failures back off exponentially; nothing is
 * dropped: a command leaves the outbox only when the server accepted it (and a pull has
 * brought its effects) or refused it (and it is listed as a problem).
 */
import type { SyncRound, SyncState, SyncStatus } from '../api/contract'
import type { Mirror } from './mirror'
import { StoreError, StoreUnreachable, type StoreClient } from './store-client'

export type { SyncState, SyncStatus, SyncRound }

export interface SyncEngineOptions {
  mirror: Mirror
  client: StoreClient
  actorIin: string
  offlineSession?: boolean
  now?: () => Date
  pageSize?: number
  /** polling period when the event stream is unavailable */
  pollMs?: number
  minBackoffMs?: number
  maxBackoffMs?: number
  onStatus?: (status: SyncStatus) => void
  onError?: (err: unknown) => void
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve()
    const t = setTimeout(resolve, ms)
    signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true })
  })

export class SyncEngine {
  private readonly o: Required<Omit<SyncEngineOptions, 'onStatus' | 'onError' | 'offlineSession'>> & SyncEngineOptions
  private state: SyncState
  private lastError: string | null = null
  private needsSignIn = false
  private running: Promise<void> | null = null
  private abort = new AbortController()
  private wake: (() => void) | null = null
  private dirty = true
  private round: Promise<SyncRound> | null = null

  constructor(opts: SyncEngineOptions) {
    this.o = {
      now: () => new Date(),
      pageSize: 5000,
      pollMs: 30_000,
      minBackoffMs: 1_000,
      maxBackoffMs: 60_000,
      ...opts,
    }
    this.state = opts.offlineSession ? 'offline' : 'online'
  }

  status(): SyncStatus {
    const m = this.o.mirror
    const c = m.counts()
    return {
      state: this.state,
      offlineSession: this.o.offlineSession ?? false,
      lastSyncAt: m.state('last_sync_at') ?? null,
      pending: c.pending + c.accepted,
      problems: c.problems,
      cursor: m.cursor(),
      needsSignIn: this.needsSignIn,
      lastError: this.lastError,
    }
  }

  private setState(state: SyncState, error: string | null = this.lastError): void {
    this.state = state
    this.lastError = error
    this.emit()
  }

  emit(): void {
    this.o.onStatus?.(this.status())
  }

  /** One full round: push everything pending, then pull to the end of the feed. */
  syncOnce(): Promise<SyncRound> {
    // rounds never overlap: a caller arriving during a round waits for the next one
    const next = (this.round ?? Promise.resolve()).catch(() => undefined).then(() => this.doRound())
    this.round = next
    return next
  }

  private async doRound(): Promise<SyncRound> {
    this.setState('syncing')
    try {
      const pushed = await this.push()
      const pulled = await this.pull()
      this.needsSignIn = false
      this.setState('online', null)
      return { pushed: pushed.accepted, rejected: pushed.rejected, pulled }
    } catch (err) {
      if (err instanceof StoreError && err.status === 401) {
        this.needsSignIn = true
        this.setState('offline', err.code)
      } else {
        this.setState('offline', err instanceof Error ? err.message : String(err))
      }
      throw err
    }
  }

  private async push(): Promise<{ accepted: number; rejected: number }> {
    const { mirror, client, actorIin } = this.o
    const clientId = mirror.clientId(actorIin)
    let accepted = 0
    let rejected = 0
    for (;;) {
      const batch = mirror.pendingCommands(actorIin, 100)
      if (batch.length === 0) return { accepted, rejected }
      // files first: a `contract.attach` names its scan by SHA-256, which the store must hold
      // (and `attendance.mark` its certificates)
      for (const sha of batch.flatMap(filesOf)) {
        const blob = mirror.blobToUpload(sha)
        if (!blob) continue
        try {
          await client.putAttachment(sha, blob.contentType, blob.data)
          mirror.markBlobUploaded(sha, this.o.now().toISOString())
        } catch (err) {
          // a refused file: the store then refuses the command (a problem the user sees)
          if (!(err instanceof StoreError) || err.status === 401) throw err
        }
      }
      const { answers } = await client.commands(
        batch.map((c) => ({
          id: c.id,
          clientId,
          seq: c.clientSeq,
          type: c.type,
          payload: c.payload,
          ...(c.signature ? { signature: c.signature } : {}),
        })),
      )
      const byId = new Map(answers.map((a) => [a.id, a]))
      const at = this.o.now().toISOString()
      for (const cmd of batch) {
        const a = byId.get(cmd.id)
        if (!a) {
          // the server stopped the batch before this command: try again later
          return { accepted, rejected }
        }
        if (a.status === 'accepted') {
          mirror.markAccepted(cmd.id)
          accepted++
        } else if (a.status === 'rejected') {
          mirror.reject(cmd.id, a.params ? { code: a.code, params: a.params } : { code: a.code }, at)
          rejected++
        } else {
          mirror.markAttempt(cmd.id, a.code)
          throw new StoreError(409, a.code, a.params)
        }
      }
      this.emit()
    }
  }

  private async pull(): Promise<number> {
    const { mirror, client } = this.o
    const acceptedBefore = mirror.maxAcceptedSeq()
    let pulled = 0
    // the next page is already on its way while this one is written to SQLite
    let next = client.changes(mirror.cursor(), this.o.pageSize)
    for (;;) {
      const page = await next
      if (page.more) {
        next = client.changes(page.cursor, this.o.pageSize)
        next.catch(() => undefined) // observed when awaited; never an unhandled rejection
      }
      mirror.applyPage(page.changes, page.cursor)
      pulled += page.changes.length
      if (!page.more) break
    }
    mirror.finishAccepted(acceptedBefore, this.o.now().toISOString())
    return pulled
  }

  /** Ask for a round soon (after a local action, or a poke). */
  kick(): void {
    this.dirty = true
    this.wake?.()
  }

  /** Keep syncing until `stop()`: SSE pokes, polling fallback, exponential backoff. */
  start(): void {
    if (this.running) return
    this.abort = new AbortController()
    const signal = this.abort.signal
    void this.listenLoop(signal)
    this.running = this.loop(signal)
  }

  private async loop(signal: AbortSignal): Promise<void> {
    let backoff = 0
    while (!signal.aborted) {
      if (this.dirty) {
        this.dirty = false
        try {
          await this.syncOnce()
          backoff = 0
        } catch (err) {
          this.o.onError?.(err)
          this.dirty = true
          if (this.needsSignIn) return
          backoff = backoff === 0 ? this.o.minBackoffMs : Math.min(this.o.maxBackoffMs, backoff * 2)
          await sleep(backoff * (0.75 + Math.random() * 0.5), signal)
          continue
        }
      }
      // wait for a poke, a local action, or the polling period
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          this.dirty = true
          resolve()
        }, this.o.pollMs)
        this.wake = () => (clearTimeout(t), resolve())
        signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true })
      })
      this.wake = null
    }
  }

  /** The event stream: reconnects with backoff; while it is down, polling covers. */
  private async listenLoop(signal: AbortSignal): Promise<void> {
    let backoff = this.o.minBackoffMs
    while (!signal.aborted) {
      try {
        await this.o.client.listen(
          () => this.kick(),
          signal,
          () => (backoff = this.o.minBackoffMs),
        )
      } catch (err) {
        if (err instanceof StoreError && err.status === 401) return
        if (!(err instanceof StoreUnreachable) && !(err instanceof StoreError)) this.o.onError?.(err)
      }
      await sleep(backoff, signal)
      backoff = Math.min(this.o.maxBackoffMs, backoff * 2)
    }
  }

  async stop(): Promise<void> {
    this.abort.abort()
    this.wake?.()
    await this.running?.catch(() => undefined)
    await this.round?.catch(() => undefined)
    this.running = null
    this.setState('signed_out')
  }
}

/** SHA-256s of the files a command names, which the store must hold before it runs. */
function filesOf(c: { type: string; payload: unknown }): string[] {
  if (c.type === 'contract.attach') {
    const sha = (c.payload as { sha256?: unknown }).sha256
    return typeof sha === 'string' ? [sha] : []
  }
  if (c.type === 'attendance.mark') {
    const marks = (c.payload as { marks?: Array<{ documentSha256?: unknown }> }).marks ?? []
    return [...new Set(marks.map((m) => m.documentSha256).filter((x): x is string => typeof x === 'string'))]
  }
  return []
}
