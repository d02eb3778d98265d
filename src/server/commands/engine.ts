/**
 * The command pipeline: batches of `{ id, clientId, seq, type, payload, signature? }`.
 *
 * - exactly once: `processed_commands` keeps each command's final answer; a replayed id
 *   gets that answer and changes nothing;
 * - per-client order: `client_seqs` keeps the last applied seq; a smaller seq is a
 *   duplicate (skipped), a larger gap stops the batch (`retry`);
 * - each command runs in a savepoint of the batch's transaction, so a rejected command
 *   leaves no trace but its answer;
 * - legal acts carry a CMS by the actor's SIGN key over `legalActContent(cmd)`, verified
 *   before the transaction and stored with the act.
 */
import { sql, type Kysely } from 'kysely'
import { z } from 'zod'
import type { Violation } from '../../core/result'
import type { Actor } from '../auth'
import type { CalendarData } from '../calendar'
import { canonicalJson, legalActContent, sha256Hex } from '../canonical'
import type { EdsAdapter, Signer } from '../eds-adapter'
import { fieldErrors } from '../errors'
import type { KgDirectory } from '../scope'
import { runWork } from '../work'
import type { CommandDef, Outcome } from './context'
import { officeCommands } from './office'
import { portalCommands } from './portal'
import { staffCommands } from './staff'

export const commandDefs: ReadonlyMap<string, CommandDef> = new Map(
  [...staffCommands, ...officeCommands, ...portalCommands].map((d) => [d.type, d]),
)

export const commandSchema = z.object({
  id: z.uuid(),
  clientId: z.string().min(1).max(64),
  seq: z.number().int().min(1),
  type: z.string().min(1).max(64),
  payload: z.unknown(),
  signature: z.string().max(64_000).optional(),
})
export type CommandInput = z.infer<typeof commandSchema>
export const batchSchema = z.object({ commands: z.array(commandSchema).min(1).max(100) })

export type Answer =
  | { id: string; status: 'accepted'; result?: Record<string, unknown> }
  | { id: string; status: 'rejected'; code: string; params?: Violation['params'] }
  | { id: string; status: 'retry'; code: string; params?: Violation['params'] }

export interface EngineDeps {
  db: Kysely<any>
  eds: EdsAdapter
  kgs: KgDirectory
  calendar(): Promise<CalendarData>
  onError?: (err: unknown) => void
}

interface Prepared {
  cmd: CommandInput
  def: CommandDef | null
  payload: unknown
  pre: Violation | null
  signer: Signer | null
  cms: Buffer | null
}

function rejectedAnswer(id: string, v: Violation): Answer {
  return v.params ? { id, status: 'rejected', code: v.code, params: v.params } : { id, status: 'rejected', code: v.code }
}

async function prepare(deps: EngineDeps, actor: Actor, cmd: CommandInput, now: Date): Promise<Prepared> {
  const p: Prepared = { cmd, def: commandDefs.get(cmd.type) ?? null, payload: cmd.payload, pre: null, signer: null, cms: null }
  if (!p.def) {
    p.pre = { code: 'command_unknown', params: { type: cmd.type } }
    return p
  }
  if (!p.def.roles.includes(actor.role)) {
    p.pre = { code: 'forbidden_command', params: { type: cmd.type } }
    return p
  }
  const parsed = p.def.schema.safeParse(cmd.payload)
  if (!parsed.success) {
    p.pre = { code: 'invalid_args', params: { details: Object.keys(fieldErrors(parsed.error)).join(', ') } }
    return p
  }
  p.payload = parsed.data
  if (p.def.legalAct) {
    if (!cmd.signature) {
      p.pre = { code: 'signature_required' }
      return p
    }
    p.cms = Buffer.from(cmd.signature, 'base64')
    const v = await deps.eds.verify(p.cms, legalActContent(cmd), 'sign', now)
    if (!v.ok) p.pre = v.error
    else if (v.signer.iin !== actor.iin) p.pre = { code: 'signature_wrong_person' }
    else if (actor.kind === 'staff' && actor.role === 'kindergarten_staff' && v.signer.individual) p.pre = { code: 'signature_wrong_role' }
    else p.signer = v.signer
  }
  return p
}

const TRANSIENT = new Set(['40001', '40P01', '23505', '55P03'])

/**
 * Run a batch. `ordered: false` (the portal) skips the per-client seq check: portal calls
 * are single commands made exactly-once by their id alone.
 */
export async function executeBatch(deps: EngineDeps, actor: Actor, cmds: CommandInput[], now: Date, ordered = true): Promise<Answer[]> {
  const prepared: Prepared[] = []
  for (const c of cmds) prepared.push(await prepare(deps, actor, c, now))
  const cal = await deps.calendar()
  for (let attempt = 1; ; attempt++) {
    try {
      return await runWork(deps.db, now, async (w) => {
        const answers: Answer[] = []
        const clients = new Map<string, { last: number }>()
        let stopped = false
        for (const p of prepared) {
          const { cmd } = p
          if (stopped) {
            answers.push({ id: cmd.id, status: 'retry', code: 'command_seq_gap' })
            continue
          }
          const done = await sql<{ answer: Answer | string }>`select answer from processed_commands where id = ${cmd.id}`.execute(w.tx)
          if (done.rows[0]) {
            const a = done.rows[0].answer
            answers.push(typeof a === 'string' ? (JSON.parse(a) as Answer) : a)
            continue
          }
          let client = ordered ? clients.get(cmd.clientId) : { last: cmd.seq - 1 }
          if (!client) {
            await sql`insert into client_seqs (client_id, actor_iin) values (${cmd.clientId}, ${actor.iin}) on conflict do nothing`.execute(w.tx)
            const r = await sql<{ last_seq: number; actor_iin: string }>`select last_seq, actor_iin from client_seqs where client_id = ${cmd.clientId} for update`.execute(w.tx)
            const row = r.rows[0]!
            if (row.actor_iin !== actor.iin) {
              answers.push({ id: cmd.id, status: 'rejected', code: 'command_client_foreign' })
              continue
            }
            client = { last: Number(row.last_seq) }
            clients.set(cmd.clientId, client)
          }
          if (cmd.seq <= client.last) {
            answers.push({ id: cmd.id, status: 'rejected', code: 'command_seq_duplicate', params: { seq: cmd.seq } })
            continue
          }
          if (cmd.seq > client.last + 1) {
            answers.push({ id: cmd.id, status: 'retry', code: 'command_seq_gap', params: { expected: client.last + 1 } })
            stopped = true
            continue
          }
          let outcome: Outcome
          if (p.pre) outcome = { ok: false, error: p.pre }
          else {
            const mark = w.mark()
            await sql`savepoint cmd`.execute(w.tx)
            try {
              outcome = await p.def!.run({ w, actor, cal, kgs: deps.kgs, signer: p.signer, commandId: cmd.id }, p.payload)
            } catch (err) {
              const code = (err as { code?: string }).code
              if (code && TRANSIENT.has(code)) throw err
              // an unexpected failure: nothing of this command stays; the client retries
              await sql`rollback to savepoint cmd`.execute(w.tx)
              w.rollbackTo(mark)
              answers.push({ id: cmd.id, status: 'retry', code: 'internal' })
              stopped = true
              deps.onError?.(err)
              continue
            }
            if (outcome.ok) await sql`release savepoint cmd`.execute(w.tx)
            else {
              await sql`rollback to savepoint cmd`.execute(w.tx)
              w.rollbackTo(mark)
            }
          }
          const answer: Answer = outcome.ok
            ? outcome.result
              ? { id: cmd.id, status: 'accepted', result: outcome.result }
              : { id: cmd.id, status: 'accepted' }
            : rejectedAnswer(cmd.id, outcome.error)
          await w.tx
            .insertInto('processed_commands')
            .values({ id: cmd.id, client_id: cmd.clientId, seq: cmd.seq, type: cmd.type, actor_iin: actor.iin, answer: JSON.stringify(answer), processed_at: now })
            .execute()
          client.last = cmd.seq
          if (ordered) await sql`update client_seqs set last_seq = ${cmd.seq} where client_id = ${cmd.clientId}`.execute(w.tx)
          if (outcome.ok) await recordAccepted(w, actor, p)
          answers.push(answer)
        }
        return answers
      })
    } catch (err) {
      const code = (err as { code?: string }).code
      if (code && TRANSIENT.has(code) && attempt < 4) continue
      deps.onError?.(err)
      return cmds.map((c) => ({ id: c.id, status: 'retry' as const, code: 'internal' }))
    }
  }
}

async function recordAccepted(w: import('../work').Work, actor: Actor, p: Prepared): Promise<void> {
  const { cmd } = p
  const payloadHash = sha256Hex(canonicalJson({ id: cmd.id, type: cmd.type, payload: p.payload }))
  if (p.cms) {
    await w.tx.insertInto('legal_acts').values({ command_id: cmd.id, type: cmd.type, actor_iin: actor.iin, payload_hash: payloadHash, cms: p.cms, signed_at: w.now }).execute()
    if (cmd.type === 'contract.sign' || cmd.type === 'contract.parent_sign') {
      await w.tx
        .insertInto('contract_signatures')
        .values({ contract_id: (p.payload as { contractId: string }).contractId, signer_role: cmd.type === 'contract.sign' ? 'kindergarten' : 'parent', signer_iin: actor.iin, cms: p.cms, signed_at: w.now })
        .execute()
    }
  }
  w.audit({ actorIin: actor.iin, commandId: cmd.id, type: cmd.type, payloadHash, signature: p.cms ? sha256Hex(p.cms) : null })
}
