import { sql } from 'kysely'
import { emitKgRow, type CommandEnv } from './context'

/**
 * Give a referral's place back to its vacancy (lapse, revocation, cancelled privilege),
 * as core's returnPlace: a filled entry reopens to the queue with a fresh T1 window from
 * now (`queue_opened_at`), so the queue gets the place first; a withdrawn entry stays
 * closed; an open entry just has one more free place.
 */
export async function releasePlace(env: CommandEnv, vacancyId: string | null): Promise<void> {
  if (!vacancyId) return
  const v = await sql<Record<string, any>>`update vacancies set taken = taken - 1,
      queue_opened_at = case when status = 'filled' then ${env.w.now} else queue_opened_at end,
      status = case when status = 'filled' then 'published' else status end, updated_at = ${env.w.now}
      where id = ${vacancyId} and taken > 0 returning *`.execute(env.w.tx)
  if (v.rows[0]) await emitKgRow(env, 'vacancy', v.rows[0])
}
