/**
 * The command pipeline: batches of `{ id, clientId, seq, type, payload, signature? }`.
 *
 * - exactly once: `processed_commands` keeps each command's final answer; a replayed id
 *   gets that answer and changes nothing;
 * - per-client order: `client_seqs` keeps the last applied seq; a smaller seq is a
 *   duplicate (skipped), a larger gap stops the batch (`retry`);
 * - a rejected command leaves no trace but its answer (the attempt is rolled back and
 *   run again with that answer decided);
 * - legal acts carry a CMS by the actor's SIGN key over `legalActContent(cmd)`, verified
 *   before the transaction and stored with the act.
 */
import { sql, type Kysely } from 'kysely'
import { z } from 'zod'
import type { Violation } from '../../core/result'
import { IDLE_MS, type Actor } from '../auth'
import type { CalendarData } from '../calendar'
import { canonicalJson, legalActContent, sha256Hex } from '../canonical'
import type { EdsAdapter, Signer } from '../eds-adapter'
import { fieldErrors, HttpError } from '../errors'
import type { KgDirectory } from '../scope'
import { runWork } from '../work'
import type { CommandDef, Outcome } from './context'
import { adminCommands } from './admin'
import { attendanceCommands } from './attendance'
import { officeCommands } from './office'
import { portalCommands } from './portal'
import { staffCommands } from './staff'
import { yearlyCommands } from './yearly'

export const commandDefs: ReadonlyMap<string, CommandDef> = new Map(
  [...staffCommands, ...officeCommands, ...portalCommands, ...adminCommands, ...yearlyCommands, ...attendanceCommands].map((d) => [
    d.type,
    d,
  ]),
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
  return v.params
    ? { id, status: 'rejected', code: v.code, params: v.params }
    : { id, status: 'rejected', code: v.code }
}

async function prepare(
  deps: EngineDeps,
  actor: Actor,
  cmd: CommandInput,
  now: Date,
): Promise<Prepared> {
  const p: Prepared = {
    cmd,
    def: commandDefs.get(cmd.type) ?? null,
    payload: cmd.payload,
    pre: null,
    signer: null,
    cms: null,
  }
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
    p.pre = {
      code: 'invalid_args',
      params: { details: Object.keys(fieldErrors(parsed.error)).join(', ') },
    }
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
    else if (actor.kind === 'staff' && actor.role === 'kindergarten_staff' && v.signer.individual)
      p.pre = { code: 'signature_wrong_role' }
    else p.signer = v.signer
  }
  return p
}

const TRANSIENT = new Set(['40001', '40P01', '23505', '55P03'])

/** Thrown inside an attempt to abort it: the batch is run again knowing this. */
class Abort {
  constructor(
    readonly id: string,
    readonly answer: Answer | null,
  ) {}
}

const parseAnswer = (a: Answer | string): Answer =>
  typeof a === 'string' ? (JSON.parse(a) as Answer) : a

/**
 * Run a batch in one transaction, without savepoints: when a command is rejected (or fails
 * unexpectedly) the attempt is rolled back and the batch runs again with that command's
 * answer decided and a savepoint around each further command, so rejected commands leave
 * nothing but their answer. Accepted and
 * rejected answers are stored (exactly once); `retry` answers are not.
 * `ordered: false` (the portal) skips the per-client seq check: portal calls are single
 * commands made exactly-once by their id alone. `recheck`: the hash of a session token
 * the caller resolved from memory (auth.ts SessionCache): the session must still be open,
 * checked in the batch's first statement, or nothing runs and 401 is thrown.
 */
export async function executeBatch(
  deps: EngineDeps,
  actor: Actor,
  cmds: CommandInput[],
  now: Date,
  opts: boolean | { ordered?: boolean; recheck?: string | null } = true,
): Promise<Answer[]> {
  const ordered = typeof opts === 'boolean' ? opts : (opts.ordered ?? true)
  const recheck = typeof opts === 'boolean' ? null : (opts.recheck ?? null)
  const prepared: Prepared[] = []
  for (const c of cmds) prepared.push(await prepare(deps, actor, c, now))
  const cal = await deps.calendar()
  const decided = new Map<string, Answer>() // rejected in an earlier attempt
  let savepoints = false
  let failedAt: string | null = null // unexpected failure: retry from here on
  for (let attempt = 1; attempt <= 10; attempt++) {
    try {
      return await runWork(deps.db, now, async (w) => {
        const answers: Answer[] = []
        // stored answers (replays) and the client rows (created, or locked), in one query
        const ids = prepared.map((p) => p.cmd.id)
        const clientIds = ordered ? [...new Set(prepared.map((p) => p.cmd.clientId))] : []
        const pre = await sql<{ k: string; id: string; v: string; x: string | null }>`
          with c as (
            insert into client_seqs (client_id, actor_iin) select unnest(${clientIds}::text[]), ${actor.iin}
            on conflict (client_id) do update set client_id = excluded.client_id
            returning client_id, last_seq, actor_iin)
          select 'c' as k, client_id as id, last_seq::text as v, actor_iin::text as x from c
          union all
          select 'p', id::text, answer::text, null from processed_commands where id = any(${ids}::uuid[])
          ${
            recheck
              ? sql`union all select 's', '', '', null from sessions where token_hash = ${recheck}
                  and revoked_at is null and expires_at > ${now} and last_seen_at > ${new Date(now.getTime() - IDLE_MS)}`
              : sql``
          }`.execute(w.tx)
        const stored = new Map<string, Answer>()
        const clients = new Map<string, { last: number; foreign: boolean }>()
        let sessionOpen = !recheck
        for (const r of pre.rows) {
          if (r.k === 'p') stored.set(r.id, parseAnswer(r.v))
          else if (r.k === 's') sessionOpen = true
          else clients.set(r.id, { last: Number(r.v), foreign: r.x !== actor.iin })
        }
        // revoked or expired meanwhile (on any instance): nothing of the batch runs
        if (!sessionOpen) throw new HttpError(401, 'unauthorized')
        let stopped = false
        for (const p of prepared) {
          const { cmd } = p
          if (stopped) {
            answers.push({
              id: cmd.id,
              status: 'retry',
              code: failedAt ? 'internal' : 'command_seq_gap',
            })
            continue
          }
          const replay = stored.get(cmd.id)
          if (replay) {
            answers.push(replay)
            continue
          }
          const client = ordered
            ? clients.get(cmd.clientId)!
            : { last: cmd.seq - 1, foreign: false }
          if (client.foreign) {
            answers.push({ id: cmd.id, status: 'rejected', code: 'command_client_foreign' })
            continue
          }
          if (cmd.seq <= client.last) {
            // the same command may have been committed by a concurrent request meanwhile
            const late = await sql<{
              answer: Answer | string
            }>`select answer from processed_commands where id = ${cmd.id}`.execute(w.tx)
            if (late.rows[0]) answers.push(parseAnswer(late.rows[0].answer))
            else
              answers.push({
                id: cmd.id,
                status: 'rejected',
                code: 'command_seq_duplicate',
                params: { seq: cmd.seq },
              })
            continue
          }
          if (cmd.seq > client.last + 1) {
            answers.push({
              id: cmd.id,
              status: 'retry',
              code: 'command_seq_gap',
              params: { expected: client.last + 1 },
            })
            stopped = true
            continue
          }
          if (failedAt === cmd.id) {
            answers.push({ id: cmd.id, status: 'retry', code: 'internal' })
            stopped = true
            continue
          }
          let answer: Answer
          if (p.pre) answer = rejectedAnswer(cmd.id, p.pre)
          else if (decided.has(cmd.id)) answer = decided.get(cmd.id)!
          else {
            // after a first rejection the batch reruns with a savepoint per command, so a
            // batch with many rejections costs one rerun, not one per rejection
            const mark = savepoints ? w.mark() : null
            if (mark) await sql`savepoint cmd`.execute(w.tx)
            let outcome: Outcome
            try {
              outcome = await p.def!.run(
                { w, actor, cal, kgs: deps.kgs, signer: p.signer, commandId: cmd.id, actSha256: p.cms ? sha256Hex(p.cms) : null },
                p.payload,
              )
            } catch (err) {
              const code = (err as { code?: string }).code
              if (code && TRANSIENT.has(code)) throw err
              deps.onError?.(err)
              throw new Abort(cmd.id, null)
            }
            if (outcome.ok) {
              if (mark) await sql`release savepoint cmd`.execute(w.tx)
              answer = outcome.result
                ? { id: cmd.id, status: 'accepted', result: outcome.result }
                : { id: cmd.id, status: 'accepted' }
              recordAccepted(w, actor, p)
            } else {
              if (!mark) throw new Abort(cmd.id, rejectedAnswer(cmd.id, outcome.error))
              await sql`rollback to savepoint cmd`.execute(w.tx)
              w.rollbackTo(mark)
              answer = rejectedAnswer(cmd.id, outcome.error)
            }
          }
          w.processed.push({
            id: cmd.id,
            clientId: cmd.clientId,
            seq: cmd.seq,
            type: cmd.type,
            actorIin: actor.iin,
            answer,
          })
          client.last = cmd.seq
          if (ordered) w.clientSeqs.set(cmd.clientId, cmd.seq)
          answers.push(answer)
        }
        return answers
      })
    } catch (err) {
      if (err instanceof HttpError) throw err
      if (err instanceof Abort) {
        if (err.answer) {
          decided.set(err.id, err.answer)
          savepoints = true
        } else failedAt = err.id
        continue
      }
      const code = (err as { code?: string }).code
      if (code && TRANSIENT.has(code) && attempt < 6) continue
      deps.onError?.(err)
      break
    }
  }
  return cmds.map((c) => ({ id: c.id, status: 'retry' as const, code: 'internal' }))
}

function recordAccepted(w: import('../work').Work, actor: Actor, p: Prepared): void {
  const { cmd } = p
  const payloadHash = sha256Hex(canonicalJson({ id: cmd.id, type: cmd.type, payload: p.payload }))
  if (p.cms) {
    const contract =
      cmd.type === 'contract.sign' || cmd.type === 'contract.parent_sign'
        ? {
            contractId: (p.payload as { contractId: string }).contractId,
            role: cmd.type === 'contract.sign' ? ('kindergarten' as const) : ('parent' as const),
          }
        : undefined
    w.legalActs.push({
      commandId: cmd.id,
      type: cmd.type,
      actorIin: actor.iin,
      payloadHash,
      // what was signed, as signed (legalActContent of it is the CMS's content)
      payload: cmd.payload,
      cms: p.cms.toString('base64'),
      ...(contract ? { contract } : {}),
    })
  }
  w.audit({
    actorIin: actor.iin,
    commandId: cmd.id,
    type: cmd.type,
    payloadHash,
    signature: p.cms ? sha256Hex(p.cms) : null,
  })
}
