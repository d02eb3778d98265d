/**
 * Timer sweeps: `due(now, world, cal)` lists exactly the timer commands whose moment has
 * come; `runDue` applies them (repeating until nothing is due, since one transition can
 * make another due at the same instant, e.g. a lapse whose stop-list already ended).
 * Running either twice at the same `now` does nothing the second time.
 */
import type { Calendar } from './calendar'
import { execute, type Command } from './commands'
import type { DomainEvent } from './events'
import { applyChanges, type Changes, COLLECTIONS, type World } from './model'
import type { Violation } from './result'
import { toMs, type Instant } from './time'

const late = (deadline: Instant | null | undefined, t: number): boolean =>
  deadline != null && t > toMs(deadline)

export function due(now: Instant, world: World, _cal?: Calendar): Command[] {
  const t = toMs(now)
  const out: Command[] = []
  const sys = { role: 'system' as const }
  for (const v of Object.values(world.vacancies)) {
    if (v.phase === 'scheduled' && t >= toMs(v.bidsFrom))
      out.push({ type: 'openVacancy', payload: { vacancyId: v.id }, actor: sys })
    else if (v.phase === 'open_to_queue' && late(v.queueWindowEndsAt, t))
      out.push({ type: 'openVacancyToAll', payload: { vacancyId: v.id }, actor: sys })
  }
  for (const a of Object.values(world.applications)) {
    if (a.status === 'notified' && late(a.turnDeadline, t))
      out.push({ type: 'expireTurn', payload: { applicationId: a.id }, actor: sys })
    if (a.status === 'inactive' && late(a.inactiveUntil, t))
      out.push({ type: 'archiveInactive', payload: { applicationId: a.id }, actor: sys })
  }
  // a contract signed by the kindergarten means the child came: T2 / T8 no longer apply
  const signed = new Set<string>()
  for (const c of Object.values(world.contracts)) {
    if (c.status !== 'signed_by_kindergarten') continue
    signed.add(c.basis.kind === 'referral' ? `r:${c.basis.referralId}` : `v:${c.basis.voucherId}`)
  }
  for (const r of Object.values(world.referrals)) {
    if (
      (r.status === 'active' || r.status === 'extended') &&
      !r.hidden &&
      !signed.has(`r:${r.id}`) &&
      late(r.validUntil, t)
    ) {
      out.push({ type: 'lapseReferral', payload: { referralId: r.id }, actor: sys })
    }
  }
  for (const s of Object.values(world.stopList)) {
    if (s.status !== 'active' || !late(s.until, t)) continue
    if (world.applications[s.applicationId]?.status === 'inactive') continue
    out.push({ type: 'expireStopList', payload: { stopListEntryId: s.id }, actor: sys })
  }
  for (const v of Object.values(world.vouchers)) {
    if (v.status === 'issued' && late(v.interestDeadline, t))
      out.push({ type: 'expireVoucherInterest', payload: { voucherId: v.id }, actor: sys })
    if (
      (v.status === 'interest_confirmed' || v.status === 'extended') &&
      !signed.has(`v:${v.id}`) &&
      late(v.chooseDeadline, t)
    ) {
      out.push({ type: 'expireVoucher', payload: { voucherId: v.id }, actor: sys })
    }
  }
  return out
}

export interface SweepResult {
  state: World
  changes: Changes
  events: DomainEvent[]
  applied: Command[]
  /** commands that were due but refused (should not happen; reported, not thrown) */
  refused: Array<{ command: Command; error: Violation }>
}

/** Apply every due timer command until none is left (at most `maxRounds` rounds). */
export function runDue(now: Instant, world: World, cal: Calendar, maxRounds = 10): SweepResult {
  let state = world
  const changes: Changes = {}
  const events: DomainEvent[] = []
  const applied: Command[] = []
  const refused: SweepResult['refused'] = []
  const refusedKeys = new Set<string>()
  for (let round = 0; round < maxRounds; round++) {
    const cmds = due(now, state, cal).filter((c) => !refusedKeys.has(JSON.stringify(c)))
    if (cmds.length === 0) break
    for (const c of cmds) {
      const r = execute(state, c, now, cal)
      if (!r.ok) {
        // an earlier command of this round may have changed the entity: it is retried next round
        const again = due(now, state, cal).some((d) => JSON.stringify(d) === JSON.stringify(c))
        if (again) {
          refused.push({ command: c, error: r.error })
          refusedKeys.add(JSON.stringify(c))
        }
        continue
      }
      state = r.value.state
      for (const k of COLLECTIONS) {
        const ch = r.value.changes[k]
        if (ch)
          (changes as Record<string, object>)[k] = {
            ...((changes as Record<string, object>)[k] ?? {}),
            ...ch,
          }
      }
      events.push(...r.value.events)
      applied.push(c)
    }
  }
  return { state: applyChanges(world, changes), changes, events, applied, refused }
}
