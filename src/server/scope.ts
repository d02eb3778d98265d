/**
 * Scope columns of change rows and who may read them.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely'
import type { Actor } from './auth'

export interface KgPlace {
  regionId: string
  districtId: string
  bin: string
  name: string
}

/** Kindergarten → region/district, cached (kindergartens rarely move). */
export class KgDirectory {
  private cache = new Map<string, KgPlace>()
  async get(db: Kysely<any>, id: string): Promise<KgPlace | null> {
    const hit = this.cache.get(id)
    if (hit) return hit
    const r = await db
      .selectFrom('kindergartens')
      .select(['region_id', 'district_id', 'bin', 'name_ru'])
      .where('id', '=', id)
      .executeTakeFirst()
    if (!r) return null
    const p = {
      regionId: r.region_id as string,
      districtId: r.district_id as string,
      bin: r.bin as string,
      name: r.name_ru as string,
    }
    this.cache.set(id, p)
    return p
  }
  clear(): void {
    this.cache.clear()
  }
}

/** SQL predicate over change_log columns for what `actor` may see. */
export function scopePredicate(actor: Actor): RawBuilder<boolean> {
  switch (actor.role) {
    case 'admin':
      return sql<boolean>`true`
    case 'clerk':
      return actor.districtId
        ? sql<boolean>`district_id = ${actor.districtId}`
        : sql<boolean>`region_id = ${actor.regionId ?? ''}`
    case 'kindergarten_staff':
      return sql<boolean>`kindergarten_id = ${actor.kindergartenId ?? ''}`
    case 'reviewer_phthisiatrician':
    case 'reviewer_pmpk':
      return sql<boolean>`(region_id = ${actor.regionId ?? ''} and queue_type = 'special_voucher')`
    default:
      return sql<boolean>`false`
  }
}

/** Does a NOTIFY poke `{k:[...], r:[...]}` concern this actor? (cheap pre-filter) */
export function pokeConcerns(
  actor: Actor,
  poke: { all?: boolean; k?: string[]; r?: string[] },
): boolean {
  if (poke.all || actor.role === 'admin') return true
  if (actor.role === 'kindergarten_staff')
    return !!actor.kindergartenId && (poke.k ?? []).includes(actor.kindergartenId)
  if (actor.regionId) return (poke.r ?? []).includes(actor.regionId)
  // district-scoped clerks: districts belong to a region; poke by region is close enough
  return true
}
