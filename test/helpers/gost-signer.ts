/**
 * Test-only GOST 34.310-2004 signer: reads the private key out of a real NCA GOSTKNCA .p12
 * (node-forge decrypts the container; the key is a PKCS#8 with the GOST algorithm) and
 * signs with it, so tests and the fake NCALayer can make GOST signatures that our verifier
 * must accept. Production code never signs with GOST key files (NCALayer or a token does).
 */
import { randomBytes } from 'node:crypto'
import forge from 'node-forge'
import * as der from '../../src/eds/der'
import {
  baseMul,
  baseMulX,
  CURVE_CRYPTOPRO_A,
  gostDigestFor,
  gostKeyInfo,
  type GostCurve,
} from '../../src/eds/gost'
import { parseCertificate, type ParsedCertificate } from '../../src/eds/certificate'

export interface GostTestKey {
  d: bigint
  certificate: Uint8Array
  parsed: ParsedCertificate
  curve: GostCurve
}

const big = (b: Uint8Array): bigint => BigInt('0x' + (Buffer.from(b).toString('hex') || '0'))

export function gostKeyFromP12(data: Uint8Array, password: string): GostTestKey {
  const asn = forge.asn1.fromDer(Buffer.from(data).toString('binary'), false)
  const p12 = forge.pkcs12.pkcs12FromAsn1(asn, false, password)
  let d: bigint | null = null
  let certificate: Uint8Array | null = null
  for (const sc of p12.safeContents)
    for (const bag of sc.safeBags) {
      if (!bag.asn1) continue
      const b = Buffer.from(forge.asn1.toDer(bag.asn1).getBytes(), 'binary')
      if (bag.type === forge.pki.oids.pkcs8ShroudedKeyBag || bag.type === forge.pki.oids.keyBag) {
        const top = der.read(b, 0)
        const [, , pk] = der.children(b, top)
        const inner = der.content(b, pk!)
        const n = der.read(inner, 0)
        d = n.tag === 0x02 ? big(der.content(inner, n)) : big(Uint8Array.from(inner).reverse())
      } else if (bag.type === forge.pki.oids.certBag) {
        const c = parseCertificate(b)
        if (!c.ca) certificate = b
      }
    }
  if (d === null || !certificate) throw new Error('no GOST key or certificate in the p12')
  const parsed = parseCertificate(certificate)
  const info = gostKeyInfo(parsed)
  const q = baseMul(info.key.curve, d)
  if (!q || q.x !== info.key.x || q.y !== info.key.y)
    throw new Error('the private key does not match the certificate')
  return { d, certificate, parsed, curve: info.key.curve }
}

/** GOST 34.310-2004 signature of `data` (hash included), NCA byte order. */
export function gostSign(key: GostTestKey, data: Uint8Array): Uint8Array {
  const c = key.curve
  let e = big(Uint8Array.from(gostDigestFor(key.parsed, data)).reverse()) % c.q
  if (e === 0n) e = 1n
  for (;;) {
    const k = (big(randomBytes(40)) % (c.q - 1n)) + 1n
    const x = baseMulX(c, k)
    if (x === null) continue
    const r = x % c.q
    if (r === 0n) continue
    const s = (r * key.d + k * e) % c.q
    if (s === 0n) continue
    const hex = s.toString(16).padStart(64, '0') + r.toString(16).padStart(64, '0')
    return Buffer.from(hex, 'hex').reverse()
  }
}

export { CURVE_CRYPTOPRO_A }
