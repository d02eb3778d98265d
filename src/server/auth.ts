/**
 * Sign-in by EDS: a one-time nonce, a CMS over it by an AUTH key, a session token.
 * Tokens carry 256 random bits; only their SHA-256 is stored. Sessions expire after
 * IDLE_MS without use and ABSOLUTE_MS after sign-in, and are revoked at logout.
 */
import { randomBytes } from 'node:crypto'
import { sql, type Kysely } from 'kysely'
import { sha256Hex } from './canonical'
import { HttpError } from './errors'
import type { EdsAdapter } from './eds-adapter'

export const IDLE_MS = 30 * 60_000
export const ABSOLUTE_MS = 12 * 3600_000
export const CHALLENGE_MS = 5 * 60_000

export type StaffRole =
  'kindergarten_staff' | 'clerk' | 'reviewer_phthisiatrician' | 'reviewer_pmpk' | 'admin'
export type Role = StaffRole | 'parent'

export interface Actor {
  kind: 'staff' | 'parent'
  iin: string
  fullName: string
  role: Role
  kindergartenId: string | null
  regionId: string | null
  districtId: string | null
}

export async function newChallenge(
  db: Kysely<any>,
  now: Date,
): Promise<{ nonce: string; expiresAt: string }> {
  const nonce = randomBytes(32).toString('base64url')
  const expires = new Date(now.getTime() + CHALLENGE_MS)
  await db.insertInto('auth_challenges').values({ nonce, expires_at: expires }).execute()
  // keep the table small
  await sql`delete from auth_challenges where expires_at < ${new Date(now.getTime() - 3600_000)}`.execute(
    db,
  )
  return { nonce, expiresAt: expires.toISOString() }
}

/** Verify the sign-in CMS over the nonce and open a session. */
export async function login(
  db: Kysely<any>,
  eds: EdsAdapter,
  now: Date,
  body: { nonce: string; cms: string },
  kind: 'staff' | 'parent',
): Promise<{ token: string; actor: Actor; expiresAt: string }> {
  // the nonce is single use whatever the outcome
  const used = await sql<{ nonce: string }>`update auth_challenges set used_at = ${now}
      where nonce = ${body.nonce} and used_at is null and expires_at > ${now} returning nonce`.execute(
    db,
  )
  if (!used.rows.length) throw new HttpError(401, 'auth_challenge_invalid')
  const cms = Buffer.from(body.cms, 'base64')
  const v = await eds.verify(cms, new TextEncoder().encode(body.nonce), 'auth', now)
  if (!v.ok) throw new HttpError(401, v.error.code, v.error.params)
  const s = v.signer
  let actor: Actor
  if (kind === 'parent') {
    if (!s.individual) throw new HttpError(403, 'auth_parent_individual_key')
    const ap = await db
      .selectFrom('applicants')
      .select(['full_name'])
      .where('iin', '=', s.iin)
      .executeTakeFirst()
    actor = {
      kind,
      iin: s.iin,
      fullName: (ap?.full_name as string | undefined) ?? s.fullName,
      role: 'parent',
      kindergartenId: null,
      regionId: null,
      districtId: null,
    }
  } else {
    const acc = await db
      .selectFrom('staff_accounts')
      .selectAll()
      .where('iin', '=', s.iin)
      .executeTakeFirst()
    if (!acc) throw new HttpError(403, 'auth_unknown_person')
    if (acc.disabled) throw new HttpError(403, 'auth_account_disabled')
    if (acc.role === 'kindergarten_staff') {
      const kg = await db
        .selectFrom('kindergartens')
        .select(['bin'])
        .where('id', '=', acc.kindergarten_id)
        .executeTakeFirst()
      if (!kg || !s.bin || kg.bin !== s.bin) throw new HttpError(403, 'auth_bin_mismatch')
    }
    actor = {
      kind,
      iin: s.iin,
      fullName: acc.full_name,
      role: acc.role,
      kindergartenId: acc.kindergarten_id ?? null,
      regionId: acc.region_id ?? null,
      districtId: acc.district_id ?? null,
    }
  }
  const token = randomBytes(32).toString('base64url')
  const expires = new Date(now.getTime() + ABSOLUTE_MS)
  await db
    .insertInto('sessions')
    .values({
      token_hash: sha256Hex(token),
      kind,
      iin: actor.iin,
      full_name: actor.fullName,
      role: actor.role,
      kindergarten_id: actor.kindergartenId,
      region_id: actor.regionId,
      district_id: actor.districtId,
      created_at: now,
      last_seen_at: now,
      expires_at: expires,
    })
    .execute()
  return { token, actor, expiresAt: expires.toISOString() }
}

/** How stale `last_seen_at` may get before a request writes it (idle timeout precision). */
export const TOUCH_MS = 60_000

/**
 * Resolve a bearer token to its actor, sliding the idle timeout. The slide is written at
 * most once a minute per session, so most requests only read.
 */
export async function authenticate(
  db: Kysely<any>,
  token: string | undefined,
  now: Date,
): Promise<Actor> {
  return (await lookUpSession(db, token, now)).actor
}

interface SessionFound {
  actor: Actor
  hash: string
  /** when the session was last marked as used (after this lookup) */
  seenAt: number
  expiresAt: number
}

async function lookUpSession(
  db: Kysely<any>,
  token: string | undefined,
  now: Date,
): Promise<SessionFound> {
  if (!token || token.length > 200) throw new HttpError(401, 'unauthorized')
  const hash = sha256Hex(token)
  const r = await sql<{
    kind: 'staff' | 'parent'
    iin: string
    full_name: string
    role: Role
    kindergarten_id: string | null
    region_id: string | null
    district_id: string | null
    last_seen_at: Date
    expires_at: Date
  }>`select kind, iin, full_name, role, kindergarten_id, region_id, district_id, last_seen_at, expires_at from sessions
      where token_hash = ${hash} and revoked_at is null and expires_at > ${now}
        and last_seen_at > ${new Date(now.getTime() - IDLE_MS)}`.execute(db)
  const s = r.rows[0]
  if (!s) throw new HttpError(401, 'unauthorized')
  let seenAt = new Date(s.last_seen_at).getTime()
  if (now.getTime() - seenAt > TOUCH_MS) {
    await sql`update sessions set last_seen_at = ${now} where token_hash = ${hash} and last_seen_at < ${now}`.execute(
      db,
    )
    seenAt = now.getTime()
  }
  return {
    actor: {
      kind: s.kind,
      iin: s.iin,
      fullName: s.full_name,
      role: s.role,
      kindergartenId: s.kindergarten_id,
      regionId: s.region_id,
      districtId: s.district_id,
    },
    hash,
    seenAt,
    expiresAt: new Date(s.expires_at).getTime(),
  }
}

/**
 * Sessions of command requests, remembered by this instance between their idle-mark
 * writes (TOUCH_MS), so a command request costs no separate session query. What is
 * remembered is only the actor a token stood for (a session's actor never changes); that
 * the session is still open (not revoked or expired, here or on another instance) is
 * checked again inside the command transaction, in the same statement as the
 * exactly-once lookup (`recheck` below, engine.ts). Reads (feed, events) always look the
 * session up.
 */
export class SessionCache {
  private readonly m = new Map<string, SessionFound>()
  constructor(private readonly max = 10_000) {}
  /**
   * The actor behind `token`; `recheck` is the token hash when the answer came from
   * memory and the caller must confirm the session in its transaction.
   */
  async resolve(
    db: Kysely<any>,
    token: string | undefined,
    now: Date,
  ): Promise<{ actor: Actor; recheck: string | null }> {
    if (token && token.length <= 200) {
      const hash = sha256Hex(token)
      const hit = this.m.get(hash)
      const t = now.getTime()
      if (hit && t < hit.expiresAt && t - hit.seenAt <= TOUCH_MS && t >= hit.seenAt)
        return { actor: hit.actor, recheck: hash }
    }
    const found = await lookUpSession(db, token, now)
    if (this.m.size >= this.max) this.m.clear()
    this.m.set(found.hash, found)
    return { actor: found.actor, recheck: null }
  }
  forget(token: string | undefined): void {
    if (token) this.m.delete(sha256Hex(token))
  }
}

export async function logout(db: Kysely<any>, token: string, now: Date): Promise<void> {
  await sql`update sessions set revoked_at = ${now} where token_hash = ${sha256Hex(token)} and revoked_at is null`.execute(
    db,
  )
}

/**
 * Fixed-window rate limit kept in PostgreSQL, so every instance counts the same hits.
 * Throws 429 once `max` hits per `windowMs` are used.
 */
export async function rateLimit(
  db: Kysely<any>,
  key: string,
  max: number,
  windowMs: number,
  now: Date,
): Promise<void> {
  const start = new Date(Math.floor(now.getTime() / windowMs) * windowMs)
  const r = await sql<{
    hits: number
  }>`insert into rate_limits (key, window_start, hits) values (${key}, ${start}, 1)
      on conflict (key, window_start) do update set hits = rate_limits.hits + 1 returning hits`.execute(
    db,
  )
  if (Math.random() < 0.01)
    await sql`delete from rate_limits where window_start < ${new Date(now.getTime() - 10 * windowMs)}`.execute(
      db,
    )
  if ((r.rows[0]?.hits ?? 0) > max)
    throw new HttpError(429, 'rate_limited', { seconds: Math.ceil(windowMs / 1000) })
}
