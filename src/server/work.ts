/**
 * A unit of work: one PostgreSQL transaction that collects the change-feed rows, audit
 * entries and parent notifications it produces, and writes them at its tail.
 *
 * Change-feed cursors and audit chain positions are not assigned here but by
 * `bq_sequence()` right after the commit (db/migrations.ts explains why this keeps the
 * feed gap-free without serialising the writers' commits).
 */
import { sql, type Kysely, type Transaction } from 'kysely'
import { canonicalJson, sha256Hex } from './canonical'
import { commitWith } from './db/pg-pipeline'
import { renderNotice } from './notices'

/** the advisory lock bq_sequence takes (db/migrations.ts) */
export const SEQUENCE_LOCK = 724_002
export const CHANGES_CHANNEL = 'bq_changes'

export interface ChangeScope {
  kindergartenId?: string | null
  regionId?: string | null
  districtId?: string | null
  queueType?: string | null
}

export interface Change extends ChangeScope {
  entity: string
  entityId: string
  op: 'upsert' | 'delete'
  data: unknown
}

export interface Notice {
  applicationId: string | null
  recipientIin: string
  phone?: string | null
  email?: string | null
  event: string
  params: Record<string, string | number>
}

export interface AuditEntry {
  actorIin: string
  commandId: string
  type: string
  payloadHash: string
  signature: string | null
}

export interface ProcessedRecord {
  id: string
  clientId: string
  seq: number
  type: string
  actorIin: string
  answer: unknown
}

export interface LegalActRecord {
  commandId: string
  type: string
  actorIin: string
  payloadHash: string
  /** the command's payload as signed */
  payload?: unknown
  cms: string // base64
  contract?: { contractId: string; role: 'parent' | 'kindergarten' }
}

export class Work {
  readonly changes: Change[] = []
  readonly notices: Notice[] = []
  readonly audits: AuditEntry[] = []
  readonly processed: ProcessedRecord[] = []
  readonly clientSeqs = new Map<string, number>()
  readonly legalActs: LegalActRecord[] = []
  constructor(
    readonly tx: Transaction<any>,
    readonly now: Date,
  ) {}
  change(c: Change): void {
    this.changes.push(c)
  }
  notify(n: Notice): void {
    this.notices.push(n)
  }
  audit(a: AuditEntry): void {
    this.audits.push(a)
  }
  /** Buffer lengths, for a savepoint rollback. */
  mark(): number[] {
    return [this.changes.length, this.notices.length, this.audits.length, this.legalActs.length]
  }
  rollbackTo(m: number[]): void {
    this.changes.length = m[0]!
    this.notices.length = m[1]!
    this.audits.length = m[2]!
    this.legalActs.length = m[3]!
  }
}

/**
 * Run `fn` in a transaction and write its tail (outbox, change-feed rows, audit entries).
 * After the commit the sequencer is started for the committed rows but not waited for:
 * every feed read runs it first (`sequence` below), so a client that was answered and
 * then reads the feed, on any instance, finds its changes; the sequencer's NOTIFY pokes
 * subscribers as before.
 */
export async function runWork<T>(
  db: Kysely<any>,
  now: Date,
  fn: (w: Work) => Promise<T>,
): Promise<T> {
  let wrote = false
  const out = await db.transaction().execute(async (tx) => {
    const w = new Work(tx, now)
    const r = await fn(w)
    wrote = await writeTail(w)
    return r
  })
  // a failed run leaves the rows pending for the next run (any reader, or the sweeper)
  if (wrote) sequence(db).catch(() => {})
  return out
}

/**
 * Coalesces the calls of one process: at most one `bq_sequence()` runs at a time; callers
 * arriving meanwhile share the next run, which starts after the current one and so covers
 * every row they committed. Under load N writers cost about one sequencer run, like
 * PostgreSQL's group commit.
 */
class Sequencer {
  private running: Promise<number> | null = null
  private next: Promise<number> | null = null
  constructor(private readonly db: Kysely<any>) {}
  private async runOnce(): Promise<number> {
    const r = await sql<{ c: number }>`select bq_sequence() as c`.execute(this.db)
    return Number(r.rows[0]?.c ?? 0)
  }
  /** Resolves when no run is under way or queued (before closing the database). */
  async idle(): Promise<void> {
    while (this.running || this.next) await (this.next ?? this.running)!.catch(() => 0)
  }
  request(): Promise<number> {
    if (!this.running) {
      this.running = this.runOnce().finally(() => {
        this.running = null
      })
      return this.running
    }
    if (!this.next) {
      const after = this.running.catch(() => 0)
      this.next = after.then(() => {
        this.next = null
        return this.request()
      })
    }
    return this.next
  }
}

const sequencers = new WeakMap<Kysely<any>, Sequencer>()

/**
 * Assign cursors and audit chain positions to every row committed before this call
 * (bq_sequence). Feed readers await it before reading.
 */
export function sequence(db: Kysely<any>): Promise<number> {
  let s = sequencers.get(db)
  if (!s) sequencers.set(db, (s = new Sequencer(db)))
  return s.request()
}

/** Wait for this process's sequencer runs to end (before the database is closed). */
export async function sequencerIdle(db: Kysely<any>): Promise<void> {
  await sequencers.get(db)?.idle()
}

/** Digest of an audit entry's own fields (computed by the store, chained in SQL). */
export function auditDigest(e: {
  at: string
  actorIin: string
  commandId: string
  type: string
  payloadHash: string
  signature: string | null
}): string {
  return sha256Hex(canonicalJson(e))
}

/** The chain link: sha256("<id>:<prev_hash>:<digest>"), as bq_tail computes it. */
export function auditLink(id: number, prevHash: string, digest: string): string {
  return sha256Hex(`${id}:${prevHash}:${digest}`)
}

export const GENESIS_HASH = '0'.repeat(64)

const json = (rows: unknown[]) => sql`${JSON.stringify(rows)}::jsonb`

/**
 * Everything a transaction appends, in one statement (writable CTEs): exactly-once
 * records, client seqs, legal acts with their CMS, outbox rows, change-feed rows and audit
 * entries. Returns whether feed or audit rows were written (they then need sequencing).
 */
async function writeTail(w: Work): Promise<boolean> {
  const { tx, now } = w
  const parts: ReturnType<typeof sql>[] = []
  if (w.processed.length) {
    parts.push(sql`insert into processed_commands (id, client_id, seq, type, actor_iin, answer, processed_at)
      select x.id, x.client_id, x.seq, x.type, x.actor_iin, x.answer, ${now} from jsonb_to_recordset(${json(
        w.processed.map((p) => ({
          id: p.id,
          client_id: p.clientId,
          seq: p.seq,
          type: p.type,
          actor_iin: p.actorIin,
          answer: p.answer,
        })),
      )}) as x(id uuid, client_id text, seq bigint, type text, actor_iin text, answer jsonb)`)
  }
  if (w.clientSeqs.size) {
    parts.push(
      sql`update client_seqs set last_seq = x.last_seq from jsonb_to_recordset(${json(
        [...w.clientSeqs].map(([client_id, last_seq]) => ({ client_id, last_seq })),
      )}) as x(client_id text, last_seq bigint) where client_seqs.client_id = x.client_id`,
    )
  }
  if (w.legalActs.length) {
    parts.push(sql`insert into legal_acts (command_id, type, actor_iin, payload_hash, payload, cms, signed_at)
      select x.command_id, x.type, x.actor_iin, x.payload_hash, x.payload, decode(x.cms, 'base64'), ${now} from jsonb_to_recordset(${json(
        w.legalActs.map((a) => ({
          command_id: a.commandId,
          type: a.type,
          actor_iin: a.actorIin,
          payload_hash: a.payloadHash,
          payload: a.payload ?? null,
          cms: a.cms,
        })),
      )}) as x(command_id uuid, type text, actor_iin text, payload_hash text, payload jsonb, cms text)`)
    const cs = w.legalActs.filter((a) => a.contract)
    if (cs.length) {
      parts.push(sql`insert into contract_signatures (contract_id, signer_role, signer_iin, cms, signed_at)
        select x.contract_id, x.signer_role, x.signer_iin, decode(x.cms, 'base64'), ${now} from jsonb_to_recordset(${json(
          cs.map((a) => ({
            contract_id: a.contract!.contractId,
            signer_role: a.contract!.role,
            signer_iin: a.actorIin,
            cms: a.cms,
          })),
        )}) as x(contract_id text, signer_role text, signer_iin text, cms text)`)
    }
  }
  if (w.notices.length) {
    const rows = w.notices.map((n) => {
      const t = renderNotice(n.event, n.params)
      return {
        application_id: n.applicationId,
        recipient_iin: n.recipientIin,
        phone: n.phone ?? null,
        email: n.email ?? null,
        event: n.event,
        params: n.params,
        text_kk: t.kk,
        text_ru: t.ru,
      }
    })
    parts.push(sql`insert into notifications_outbox (application_id, recipient_iin, phone, email, event, params, text_kk, text_ru, next_attempt_at, created_at)
      select x.application_id, x.recipient_iin, x.phone, x.email, x.event, x.params, x.text_kk, x.text_ru, ${now}, ${now}
        from jsonb_to_recordset(${json(rows)}) as x(application_id text, recipient_iin text, phone text, email text, event text, params jsonb, text_kk text, text_ru text)`)
  }
  if (w.changes.length) {
    const rows = w.changes.map((c, n) => ({
      n,
      entity: c.entity,
      entity_id: c.entityId,
      op: c.op,
      data: c.data ?? null,
      kindergarten_id: c.kindergartenId ?? null,
      region_id: c.regionId ?? null,
      district_id: c.districtId ?? null,
      queue_type: c.queueType ?? null,
    }))
    // `n` keeps the transaction's own order in the bigserial ids
    parts.push(sql`insert into change_log (entity, entity_id, op, data, kindergarten_id, region_id, district_id, queue_type, at)
      select x.entity, x.entity_id, x.op, x.data, x.kindergarten_id, x.region_id, x.district_id, x.queue_type, ${now}
        from jsonb_to_recordset(${json(rows)}) as x(entity text, entity_id text, op text, data jsonb, kindergarten_id text, region_id text, district_id text, queue_type text, n bigint)
       order by x.n`)
  }
  if (w.audits.length) {
    const at = now.toISOString()
    const rows = w.audits.map((a, n) => ({
      n,
      actor_iin: a.actorIin,
      command_id: a.commandId,
      type: a.type,
      payload_hash: a.payloadHash,
      signature: a.signature,
      digest: auditDigest({ at, ...a }),
    }))
    parts.push(sql`insert into audit_log (at, actor_iin, command_id, type, payload_hash, signature, digest)
      select ${now}, x.actor_iin, x.command_id, x.type, x.payload_hash, x.signature, x.digest
        from jsonb_to_recordset(${json(rows)}) as x(actor_iin text, command_id text, type text, payload_hash text, signature text, digest text, n bigint)
       order by x.n`)
  }
  if (!parts.length) return false
  // the tail is the transaction's last statement: it travels with the commit
  if (parts.length === 1) await commitWith(parts[0]!).execute(tx)
  else {
    const ctes = parts.map((p, i) => sql`${sql.raw(`t${i}`)} as (${p})`)
    await commitWith(sql`with ${sql.join(ctes, sql`, `)} select 1`).execute(tx)
  }
  return w.changes.length > 0 || w.audits.length > 0
}
