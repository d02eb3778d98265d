/**
 * Sign-in proof: the server issues a challenge (stateless, HMAC-protected, with audience,
 * time and nonce); the workstation signs it with the AUTH key as an attached CMS; the
 * server verifies the challenge (its MAC, audience and age), the signature, the AUTH
 * purpose, the chain and revocation, with certificate validity checked *now*.
 * One-time use: the server keeps the returned nonce until the challenge expires and
 * refuses a nonce it has seen (replay).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Params } from '../core/result'
import type { EdsCode } from '../core/messages/eds'
import type { CertificateInfo } from './certificate'
import { keyForPurpose, type KeyProvider } from './provider'
import type { RevocationOptions } from './revocation'
import type { TrustStore } from './trust'
import { verifyCms, type Expectation, type VerifyReport } from './verify'

const PREFIX = 'bq-signin.v1'
const b64u = (b: Uint8Array | string): string => Buffer.from(b).toString('base64url')

export interface SignInChallenge {
  challenge: string
  nonce: string
  issuedAt: string
  expiresAt: string
}

export function createSignInChallenge(o: {
  secret: Uint8Array
  audience: string
  now?: Date
  ttlMs?: number
}): SignInChallenge {
  const now = o.now ?? new Date()
  const nonce = b64u(randomBytes(18))
  const body = `${PREFIX}.${b64u(o.audience)}.${now.getTime()}.${nonce}`
  const mac = b64u(createHmac('sha256', o.secret).update(body).digest())
  return {
    challenge: `${body}.${mac}`,
    nonce,
    issuedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + (o.ttlMs ?? 300_000)).toISOString(),
  }
}

/** Workstation side: sign the challenge with the storage's AUTH key (attached CMS, base64). */
export async function signSignInChallenge(
  provider: KeyProvider,
  challenge: string,
  keyId?: string,
): Promise<string> {
  const id = keyId ?? (await keyForPurpose(provider, 'auth')).keyId
  const cms = await provider.sign(id, Buffer.from(challenge, 'utf8'), { detached: false })
  return Buffer.from(cms).toString('base64')
}

export interface SignInResult {
  ok: boolean
  code?: EdsCode
  params?: Params
  /** the challenge nonce: store it until expiry and refuse it again (replay) */
  nonce: string | null
  signer: CertificateInfo | null
  report: VerifyReport | null
}

export interface VerifySignInOptions {
  /** the signed proof: CMS DER or base64 */
  proof: Uint8Array | string
  secret: Uint8Array
  audience: string
  trust: TrustStore
  now?: Date
  /** challenge lifetime, ms (default 5 min) */
  maxAgeMs?: number
  revocation?: RevocationOptions
  /** default true: a sign-in with unknown revocation status is refused */
  requireRevocation?: boolean
  /** e.g. the IIN of the account being signed into */
  expect?: Expectation
}

export async function verifySignInProof(o: VerifySignInOptions): Promise<SignInResult> {
  const now = o.now ?? new Date()
  const cms = typeof o.proof === 'string' ? Buffer.from(o.proof, 'base64') : o.proof
  const bad = (
    code: EdsCode,
    report: VerifyReport | null = null,
    nonce: string | null = null,
  ): SignInResult => ({
    ok: false,
    code,
    nonce,
    signer: report?.signer ?? null,
    report,
  })
  const report = await verifyCms({
    cms,
    purpose: 'auth',
    trust: o.trust,
    at: now,
    now,
    ...(o.expect ? { expect: o.expect } : {}),
    ...(o.revocation ? { revocation: o.revocation } : {}),
    requireRevocation: o.requireRevocation ?? true,
  })
  const content = report.content ? Buffer.from(report.content).toString('utf8') : null
  // the challenge first: a foreign or stale challenge is the clearest answer
  const parts = content?.split('.') ?? []
  if (!content || parts.length !== 6 || `${parts[0]}.${parts[1]}` !== PREFIX) {
    return bad(
      report.checks.structure === 'failed'
        ? (report.code ?? 'eds_cms_malformed')
        : 'eds_challenge_invalid',
      report,
    )
  }
  const [, , aud, issued, nonce, mac] = parts as [string, string, string, string, string, string]
  const body = parts.slice(0, 5).join('.')
  const expected = createHmac('sha256', o.secret).update(body).digest()
  const given = Buffer.from(mac, 'base64url')
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return bad('eds_challenge_invalid', report)
  if (Buffer.from(aud, 'base64url').toString('utf8') !== o.audience)
    return bad('eds_challenge_invalid', report)
  const issuedAt = Number(issued)
  const age = now.getTime() - issuedAt
  if (!Number.isFinite(issuedAt) || age < -60_000) return bad('eds_challenge_invalid', report)
  if (age > (o.maxAgeMs ?? 300_000)) return bad('eds_challenge_expired', report, nonce)
  if (!report.ok) {
    return {
      ok: false,
      ...(report.code ? { code: report.code } : {}),
      ...(report.params ? { params: report.params } : {}),
      nonce,
      signer: report.signer,
      report,
    }
  }
  // the signature must have been made after the challenge was issued
  if (report.signingTime && Date.parse(report.signingTime) < issuedAt - 60_000)
    return bad('eds_challenge_invalid', report, nonce)
  return { ok: true, nonce, signer: report.signer, report }
}
