/**
 * The audit chain: each entry holds the previous entry's hash; `verifyAuditChain` walks it
 * in id order and names the first entry whose link or own hash does not hold.
 */
import { sql, type Kysely } from 'kysely'
import { auditDigest, auditLink, GENESIS_HASH, sequence } from './work'

export type AuditVerdict =
  | { ok: true; entries: number }
  | {
      ok: false
      entries: number
      brokenId: number
      reason: 'hash_mismatch' | 'link_mismatch' | 'id_gap'
    }

export async function verifyAuditChain(db: Kysely<any>, pageSize = 5000): Promise<AuditVerdict> {
  // link entries committed by writers that stopped before sequencing them
  await sequence(db)
  let prevHash = GENESIS_HASH
  let prevId = 0
  let count = 0
  for (;;) {
    const r = await sql<{
      id: number
      at: Date
      actor_iin: string
      command_id: string
      type: string
      payload_hash: string
      signature: string | null
      digest: string
      prev_hash: string
      hash: string
    }>`
      select id::int8 as id, at, actor_iin, command_id, type, payload_hash, signature, digest, prev_hash, hash
        from audit_log where id > ${prevId} and id is not null order by id limit ${pageSize}`.execute(
      db,
    )
    if (!r.rows.length) return { ok: true, entries: count }
    for (const e of r.rows) {
      const id = Number(e.id)
      if (id !== prevId + 1) return { ok: false, entries: count, brokenId: id, reason: 'id_gap' }
      if (e.prev_hash !== prevHash)
        return { ok: false, entries: count, brokenId: id, reason: 'link_mismatch' }
      const digest = auditDigest({
        at: new Date(e.at).toISOString(),
        actorIin: e.actor_iin,
        commandId: e.command_id,
        type: e.type,
        payloadHash: e.payload_hash,
        signature: e.signature,
      })
      // the stored digest must be the digest of the stored fields, and the link must hold
      if (digest !== e.digest)
        return { ok: false, entries: count, brokenId: id, reason: 'hash_mismatch' }
      const h = auditLink(id, e.prev_hash, digest)
      if (h !== e.hash) return { ok: false, entries: count, brokenId: id, reason: 'hash_mismatch' }
      prevHash = e.hash
      prevId = id
      count++
    }
  }
}
