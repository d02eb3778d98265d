/**
 * The signed-in session of the workstation and its sync engine.
 *
 * Online sign-in: the central store's challenge is signed with the user's AUTH key; the
 * store checks it fully and answers with a session token and the person's role and scope.
 * The person is remembered on this PC (known_users) so that a later sign-in can happen
 * offline: when the store cannot be reached, the key's certificate is checked against the
 * local trust store (chain, validity, purpose; revocation when a CRL is configured) and
 * the cached directory entry gives the role and scope. An offline session queues every
 * action, legal acts with their signatures, until the store is reachable and the user
 * signs in online again.
 */
import { createHash, randomBytes } from 'node:crypto'
import type Database from 'better-sqlite3'
import { AppError } from '../../core/result'
import { keyForPurpose } from '../../eds/provider'
import type { KeyEntry } from '../../eds/provider'
import { verifyCms } from '../../eds/verify'
import type { TrustStore } from '../../eds/trust'
import { withKeyStorage } from '../keys'
import type { KeySource, SessionInfo, StoreActor, SyncRound, SyncStatus } from '../api/contract'
import { SyncEngine } from './engine'
import { Mirror, type Effect } from './mirror'
import { StoreClient, StoreError, StoreUnreachable } from './store-client'

export interface SessionServiceOptions {
  sqlite: Database.Database
  trust: () => TrustStore
  now?: () => Date
  /** engine tuning (tests) */
  engine?: { pollMs?: number; minBackoffMs?: number; maxBackoffMs?: number; pageSize?: number }
  onStatus: (status: SyncStatus) => void
  onError?: (err: unknown) => void
  fetch?: typeof fetch
}

/** A scope key: which slice of the central store this mirror holds. */
export function scopeKey(a: StoreActor): string {
  return [a.role, a.kindergartenId ?? '-', a.regionId ?? '-', a.districtId ?? '-'].join('|')
}

function keySummary(k: KeyEntry): SessionInfo['key'] {
  return {
    fullName: k.fullName,
    iin: k.iin,
    bin: k.bin,
    organization: k.organization,
    serialNumber: k.serialNumber,
    validFrom: k.validFrom,
    validTo: k.validTo,
    issuerCommonName: k.issuerCommonName,
    algorithm: k.algorithm,
  }
}

export class SessionService {
  readonly mirror: Mirror
  private session: SessionInfo | null = null
  private engine: SyncEngine | null = null
  private client: StoreClient | null = null
  readonly now: () => Date

  constructor(private readonly o: SessionServiceOptions) {
    this.mirror = new Mirror(o.sqlite)
    this.now = o.now ?? (() => new Date())
  }

  current(): SessionInfo | null {
    return this.session
  }

  status(): SyncStatus {
    if (this.engine) return this.engine.status()
    const c = this.mirror.counts()
    return {
      state: 'signed_out',
      offlineSession: false,
      lastSyncAt: this.mirror.state('last_sync_at') ?? null,
      pending: c.pending + c.accepted,
      problems: c.problems,
      cursor: this.mirror.cursor(),
      needsSignIn: false,
      lastError: null,
    }
  }

  /**
   * Sign in with the AUTH key of `source` against the central store at `serverUrl`;
   * falls back to an offline session when the store cannot be reached.
   */
  async signIn(source: KeySource, serverUrl: string, opts: { live?: boolean } = {}): Promise<SessionInfo> {
    if (!serverUrl) throw new AppError('server_not_configured')
    await this.signOut()
    const client = new StoreClient({ baseUrl: serverUrl, ...(this.o.fetch ? { fetch: this.o.fetch } : {}) })
    const { info, offline } = await withKeyStorage(source, async (provider) => {
      const key = await keyForPurpose(provider, 'auth')
      try {
        const { nonce } = await client.challenge()
        const cms = await provider.sign(key.keyId, new TextEncoder().encode(nonce), { detached: true })
        const res = await client.login(nonce, Buffer.from(cms).toString('base64'))
        client.setToken(res.token)
        this.remember(res.actor, key)
        return { info: this.open(res.actor, key, false), offline: false }
      } catch (err) {
        if (err instanceof StoreError) throw new AppError(err.code, err.params)
        if (!(err instanceof StoreUnreachable)) throw err
        return { info: await this.offlineSignIn(provider, key), offline: true }
      }
    })
    const bound = this.mirror.bindScope(scopeKey(info.actor), info.actor.iin)
    if (bound) throw new AppError(bound.code, bound.params)
    this.client = client
    this.engine = new SyncEngine({
      mirror: this.mirror,
      client,
      actorIin: info.actor.iin,
      offlineSession: offline,
      now: this.now,
      onStatus: this.o.onStatus,
      ...(this.o.onError ? { onError: this.o.onError } : {}),
      ...this.o.engine,
    })
    this.session = info
    if (!offline && opts.live !== false) this.engine.start()
    this.engine.emit()
    return info
  }

  private open(actor: StoreActor, key: KeyEntry, offline: boolean): SessionInfo {
    return { actor, offline, key: keySummary(key), signedInAt: this.now().toISOString() }
  }

  private remember(actor: StoreActor, key: KeyEntry): void {
    const fingerprint = createHash('sha256').update(key.certificate).digest('hex')
    this.o.sqlite
      .prepare(
        'INSERT INTO known_users (iin, actor, certificate_sha256, last_online_at) VALUES (?, ?, ?, ?) ON CONFLICT (iin) DO UPDATE SET actor = excluded.actor, certificate_sha256 = excluded.certificate_sha256, last_online_at = excluded.last_online_at',
      )
      .run(actor.iin, JSON.stringify(actor), fingerprint, this.now().toISOString())
  }

  private async offlineSignIn(provider: Parameters<Parameters<typeof withKeyStorage>[1]>[0], key: KeyEntry): Promise<SessionInfo> {
    const row = key.iin
      ? (this.o.sqlite.prepare('SELECT actor FROM known_users WHERE iin = ?').get(key.iin) as { actor: string } | undefined)
      : undefined
    if (!row) throw new AppError('signin_offline_unknown')
    // prove possession of the key and check its certificate locally
    const challenge = randomBytes(32)
    const cms = await provider.sign(key.keyId, challenge, { detached: true })
    const report = await verifyCms({
      cms,
      content: challenge,
      purpose: 'auth',
      trust: this.o.trust(),
      now: this.now(),
      at: this.now(),
      requireRevocation: false,
      revocation: { mode: 'none' },
    })
    if (!report.ok) throw new AppError(report.code ?? 'eds_cms_malformed', report.params)
    const actor = JSON.parse(row.actor) as StoreActor
    return this.open(actor, key, true)
  }

  /** Record a user action with its optimistic effects; the engine sends it. */
  enqueue(type: string, payload: unknown, effects: readonly Effect[], signature?: string | null, id?: string): { id: string; seq: number } {
    const s = this.session
    if (!s) throw new AppError('signin_required')
    const r = this.mirror.enqueue({ type, payload, signature: signature ?? null, actorIin: s.actor.iin, ...(id ? { id } : {}) }, effects, this.now().toISOString())
    this.engine?.kick()
    this.engine?.emit()
    return r
  }

  /** A file from the central store by its SHA-256 (the store decides who may read it). */
  async fetchAttachment(sha256: string): Promise<{ contentType: string; data: Buffer }> {
    if (!this.client || !this.session) throw new AppError('signin_required')
    if (this.session.offline) throw new AppError('server_unreachable')
    try {
      return await this.client.getAttachment(sha256)
    } catch (err) {
      if (err instanceof StoreError) throw new AppError(err.status === 401 ? 'signin_expired' : err.code, err.params)
      if (err instanceof StoreUnreachable) throw new AppError('server_unreachable')
      throw err
    }
  }

  /** One full round now (headless sync, the "sync now" button). */
  async syncNow(): Promise<SyncRound> {
    if (!this.engine || !this.session) throw new AppError('signin_required')
    if (this.session.offline) throw new AppError('sync_offline_session')
    try {
      return await this.engine.syncOnce()
    } catch (err) {
      if (err instanceof StoreError) throw new AppError(err.status === 401 ? 'signin_expired' : err.code, err.params)
      if (err instanceof StoreUnreachable) throw new AppError('server_unreachable')
      throw err
    }
  }

  async signOut(): Promise<void> {
    const engine = this.engine
    const client = this.client
    this.engine = null
    this.client = null
    this.session = null
    if (engine) await engine.stop()
    if (client?.hasToken()) await client.logout().catch(() => undefined)
    this.o.onStatus(this.status())
  }
}
