/**
 * PKCS#12 file key storage ("personal computer" storage), read with node-forge. The private
 * key is moved into a node:crypto KeyObject right after decryption; the password Buffer is
 * zeroed. Certificates are taken from the container byte for byte.
 */
import { createPrivateKey, createPublicKey, sign as cryptoSign, type KeyObject } from 'node:crypto'
import { basename } from 'node:path'
import forge from 'node-forge'
import { AppError } from '../core/result'
import { buildSignedData } from './cms'
import * as der from './der'
import { infoOf, parseCertificate, type ParsedCertificate } from './certificate'
import { GOST_OID } from './gost'
import { OID } from './oids'
import { wipe, type KeyEntry, type KeyProvider, type SignOptions } from './provider'

interface Loaded {
  entry: KeyEntry
  key: KeyObject
  chain: Uint8Array[]
}

function certDer(bag: forge.pkcs12.Bag): Uint8Array | null {
  // bag.cert keeps the captured tbsCertificate, so certificateToAsn1 reproduces the bytes
  const asn = bag.cert ? forge.pki.certificateToAsn1(bag.cert) : (bag.asn1 ?? null)
  if (!asn) return null
  return Buffer.from(forge.asn1.toDer(asn).getBytes(), 'binary')
}

function keyIdOf(bag: forge.pkcs12.Bag): string | null {
  const id = bag.attributes?.['localKeyId']?.[0] as string | undefined
  return id ? Buffer.from(id, 'binary').toString('hex') : null
}

export class Pkcs12Provider implements KeyProvider {
  readonly storage = 'pkcs12' as const
  private keys: Loaded[]

  private constructor(keys: Loaded[]) {
    this.keys = keys
  }

  /**
   * Open a PKCS#12 container. `password` is zeroed before this returns.
   * Errors: eds_p12_wrong_password, eds_p12_corrupt, eds_p12_no_key, eds_unsupported_key.
   */
  static open(data: Uint8Array, password: Uint8Array, label = 'PKCS#12'): Pkcs12Provider {
    // held in a box so the reference can be dropped as soon as forge is done with it
    const pass = { value: Buffer.from(password).toString('utf8') }
    wipe(password)
    let p12: forge.pkcs12.Pkcs12Pfx
    try {
      let asn: forge.asn1.Asn1
      try {
        asn = forge.asn1.fromDer(Buffer.from(data).toString('binary'), false)
      } catch {
        throw new AppError('eds_p12_corrupt')
      }
      try {
        p12 = forge.pkcs12.pkcs12FromAsn1(asn, false, pass.value)
      } catch (e) {
        const msg = e instanceof Error ? e.message : ''
        if (/MAC could not be verified|wrong password|Invalid password/i.test(msg))
          throw new AppError('eds_p12_wrong_password')
        throw new AppError('eds_p12_corrupt')
      }
    } finally {
      pass.value = ''
    }
    try {
      return Pkcs12Provider.fromPfx(p12, label)
    } catch (e) {
      if (e instanceof AppError) throw e
      throw new AppError('eds_p12_corrupt')
    }
  }

  private static fromPfx(p12: forge.pkcs12.Pkcs12Pfx, label: string): Pkcs12Provider {
    const keyBags = [
      ...(p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag! })[
        forge.pki.oids.pkcs8ShroudedKeyBag!
      ] ?? []),
      ...(p12.getBags({ bagType: forge.pki.oids.keyBag! })[forge.pki.oids.keyBag!] ?? []),
    ]
    const certBags =
      p12.getBags({ bagType: forge.pki.oids.certBag! })[forge.pki.oids.certBag!] ?? []
    const certs = certBags
      .map((b) => ({ der: certDer(b), id: keyIdOf(b) }))
      .filter((c): c is { der: Uint8Array; id: string | null } => c.der !== null)
      .map((c) => ({ ...c, parsed: parseCertificate(c.der) }))
    if (keyBags.length === 0 || certs.length === 0) throw new AppError('eds_p12_no_key')

    const loaded: Loaded[] = []
    for (const kb of keyBags) {
      if (!kb.key) {
        // forge decrypts the bag but only understands RSA keys: read the PKCS#8 algorithm
        const alg = kb.asn1 ? pkcs8Algorithm(kb.asn1) : null
        const id = keyIdOf(kb)
        const cert =
          certs.find((c) => id !== null && c.id === id && !c.parsed.ca) ??
          certs.find((c) => !c.parsed.ca && c.parsed.keyAlg === alg)
        if (alg && (alg === GOST_OID.key2004 || alg.startsWith(GOST_OID.key2015prefix))) {
          const info = cert ? infoOf(cert.parsed) : null
          // say clearly what it is: whose GOST key, and where such keys can sign
          throw new AppError('eds_p12_gost_key', {
            algorithm:
              info?.algorithm ?? (alg === GOST_OID.key2004 ? 'GOST 34.310-2004' : 'GOST 2015'),
            owner: info?.fullName || '-',
            organization: info?.organization ?? '-',
            purpose:
              info?.purpose === 'sign'
                ? 'SIGN (GOSTKNCA)'
                : info?.purpose === 'auth'
                  ? 'AUTH'
                  : '-',
            validTo: info ? info.validTo.slice(0, 10) : '-',
          })
        }
        throw new AppError('eds_unsupported_key', { algorithm: alg ?? '?' })
      }
      const rsa = kb.key as forge.pki.rsa.PrivateKey
      const pkcs8 = forge.asn1
        .toDer(forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(rsa)))
        .getBytes()
      const keyDer = Buffer.from(pkcs8, 'binary')
      const key = createPrivateKey({ key: keyDer, format: 'der', type: 'pkcs8' })
      keyDer.fill(0)
      // match the certificate: by localKeyId, else by modulus
      const id = keyIdOf(kb)
      const n = rsa.n.toString(16)
      const match =
        certs.find((c) => id !== null && c.id === id && !c.parsed.ca) ??
        certs.find((c) => c.parsed.keyAlg === OID.rsaEncryption && modulusHex(c.parsed) === n)
      if (!match) continue
      if (match.parsed.keyAlg !== OID.rsaEncryption)
        throw new AppError('eds_unsupported_key', { algorithm: match.parsed.keyAlg })
      const chain = certs.filter((c) => c !== match && c.parsed.ca).map((c) => c.der)
      loaded.push({
        entry: {
          ...infoOf(match.parsed),
          keyId: match.parsed.fingerprint.slice(0, 40),
          storage: 'pkcs12',
          label,
          certificate: match.der,
        },
        key,
        chain,
      })
    }
    if (loaded.length === 0) throw new AppError('eds_p12_no_key')
    return new Pkcs12Provider(loaded)
  }

  /** Open a .p12 file; the label is the file name. */
  static async openFile(path: string, password: Uint8Array): Promise<Pkcs12Provider> {
    const { readFile } = await import('node:fs/promises')
    let data: Buffer
    try {
      data = await readFile(path)
    } catch {
      wipe(password)
      throw new AppError('eds_file_read_failed', { path })
    }
    return Pkcs12Provider.open(data, password, basename(path))
  }

  private get(keyId: string): Loaded {
    const k = this.keys.find((x) => x.entry.keyId === keyId)
    if (!k) throw new AppError('eds_key_not_found', { keyId })
    return k
  }

  async listKeys(): Promise<KeyEntry[]> {
    return this.keys.map((k) => k.entry)
  }

  async signRaw(keyId: string, data: Uint8Array): Promise<Uint8Array> {
    return cryptoSign('sha256', data, this.get(keyId).key)
  }

  async sign(keyId: string, data: Uint8Array, opts: SignOptions = {}): Promise<Uint8Array> {
    const k = this.get(keyId)
    return buildSignedData({
      content: data,
      certificate: k.entry.certificate,
      extraCertificates: k.chain,
      detached: opts.detached ?? true,
      ...(opts.signingTime ? { signingTime: opts.signingTime } : {}),
      sign: async (tbs) => cryptoSign('sha256', tbs, k.key),
    })
  }

  async close(): Promise<void> {
    this.keys = []
  }
}

export function modulusHex(p: ParsedCertificate): string {
  const jwk = createPublicKey({ key: Buffer.from(p.spki), format: 'der', type: 'spki' }).export({
    format: 'jwk',
  })
  return Buffer.from(String(jwk.n), 'base64url').toString('hex').replace(/^0+/, '')
}

/** The algorithm OID of a decrypted PKCS#8 PrivateKeyInfo (forge ASN.1), or null. */
function pkcs8Algorithm(asn: forge.asn1.Asn1): string | null {
  try {
    const d = Buffer.from(forge.asn1.toDer(asn).getBytes(), 'binary')
    const top = der.read(d, 0)
    const [, alg] = der.children(d, top)
    const oidNode = der.children(d, der.expectTag(alg, 0x30, 'AlgorithmIdentifier'))[0]
    return der.decodeOid(der.content(d, der.expectTag(oidNode, 0x06, 'OID')))
  } catch {
    return null
  }
}
