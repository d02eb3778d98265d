/**
 * The store's EdsAdapter over src/eds `verifyCms`: chain to the trust store, validity at
 * the verification instant, key purpose (AUTH/SIGN), revocation.
 */
import type { RevocationOptions } from '../eds/revocation'
import type { TrustStore } from '../eds/trust'
import { verifyCms } from '../eds/verify'
import type { EdsAdapter } from './eds-adapter'

export interface EdsOptions {
  trust: TrustStore
  revocation?: RevocationOptions
  /** refuse when revocation status is unknown (default true) */
  requireRevocation?: boolean
}

export function edsAdapter(o: EdsOptions): EdsAdapter {
  return {
    async verify(cms, content, purpose, at) {
      let r
      try {
        r = await verifyCms({
          cms,
          content,
          purpose,
          trust: o.trust,
          at,
          now: at,
          ...(o.revocation ? { revocation: o.revocation } : {}),
          requireRevocation: o.requireRevocation ?? true,
        })
      } catch {
        return { ok: false, error: { code: 'eds_cms_malformed' } }
      }
      if (!r.ok || !r.signer || !r.signer.iin) {
        const code = r.code ?? 'eds_cms_malformed'
        return { ok: false, error: r.params ? { code, params: r.params } : { code } }
      }
      const s = r.signer
      return {
        ok: true,
        signer: {
          iin: s.iin!,
          bin: s.bin,
          fullName: s.fullName,
          purpose,
          serial: s.serialNumber,
          individual: s.roles.includes('individual') || !s.bin,
          roles: s.roles,
        },
      }
    },
  }
}
