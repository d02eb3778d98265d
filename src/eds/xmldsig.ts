/**
 * XMLDSig (W3C XML Signature) as Kazakh government services and NCA's tools make it: an
 * enveloped signature over the whole document (`Reference URI=""`, transforms
 * enveloped-signature + inclusive C14N with comments), SignedInfo in inclusive C14N,
 * RSA-SHA256 (or NCA's GOST 34.310-2004 / 34.311-95), the signer certificate in
 * `KeyInfo/X509Data`.
 *
 * The XML work (parsing, canonicalisation, references, digests) is xml-crypto 6.3.2 (see
 * docs/decisions.md); GOST digests and signatures are plugged into it from ./gost. The
 * certificate checks (chain, validity, purpose, roles, identity, revocation) are the ones
 * `verifyCms` makes.
 */
import { parseCertificateCached, toPem, type ParsedCertificate } from './certificate'
import { GOST_OID, gostDigestFor, gostVerify } from './gost'
import { OID } from './oids'
import type { KeyProvider } from './provider'
import type { RevocationResult } from './revocation'
import {
  addFail,
  checkSignerCertificate,
  makeReport,
  type CheckName,
  type CheckState,
  type Ctx,
  type SignerCheckOptions,
  type VerifyReport,
} from './verify'

/*
 * xml-crypto and @xmldom/xmldom are loaded with a plain require (not an import): their type declarations pull TypeScript's DOM library into the whole Node
 * project (`/// <reference lib="dom" />` via xpath), which changes typings far from here.
 * The few members used are described by the small interfaces below.
 */
interface XElement {
  textContent: string | null
  getAttribute(name: string): string | null
  getElementsByTagNameNS(ns: string, local: string): ArrayLike<XElement>
}
interface XDocument extends XElement {
  documentElement: XElement | null
}
type AlgClass = new () => object
interface SignedXmlLike {
  HashAlgorithms: Record<string, AlgClass>
  SignatureAlgorithms: Record<string, AlgClass>
  loadSignature(node: XElement): void
  checkSignature(xml: string): boolean
  addReference(r: Record<string, unknown>): void
  computeSignature(
    xml: string,
    options: Record<string, unknown>,
    callback: (err: Error | null) => void,
  ): void
  getSignedXml(): string
}
interface Libs {
  SignedXml: new (options?: Record<string, unknown>) => SignedXmlLike
  DOMParser: new (options?: Record<string, unknown>) => {
    parseFromString(xml: string, mime: string): XDocument
  }
}
let libs: Libs | null = null
function loadLibs(): Libs {
  if (!libs) {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const xc = require('xml-crypto') as { SignedXml: Libs['SignedXml'] }
    const dom = require('@xmldom/xmldom') as { DOMParser: Libs['DOMParser'] }
    /* eslint-enable @typescript-eslint/no-require-imports */
    libs = { SignedXml: xc.SignedXml, DOMParser: dom.DOMParser }
  }
  return libs
}

export const XMLDSIG = {
  ns: 'http://www.w3.org/2000/09/xmldsig#',
  c14n: 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315',
  c14nWithComments: 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments',
  enveloped: 'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
  rsaSha256: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  sha256: 'http://www.w3.org/2001/04/xmlenc#sha256',
  gostSignature: 'http://www.w3.org/2001/04/xmldsig-more#gost34310-gost34311',
  gostDigest: 'http://www.w3.org/2001/04/xmldsig-more#gost34311',
} as const

export interface XmlVerifyOptions extends SignerCheckOptions {
  /** the signed XML document (UTF-8 bytes or text) */
  xml: string | Uint8Array
  /** certificate validity instant; XMLDSig carries no signing time, so default `now` */
  at?: Date
  now?: Date
}

/** The GOST 34.311-95 digest (NCA's hash parameters), for xml-crypto. */
function gostDigestAlgorithm(signer: ParsedCertificate | null): AlgClass {
  return class {
    getAlgorithmName(): typeof XMLDSIG.gostDigest {
      return XMLDSIG.gostDigest
    }
    getHash(xml: string): string {
      return Buffer.from(gostDigestFor(signer, Buffer.from(xml, 'utf8'))).toString('base64')
    }
  }
}

/** GOST 34.310-2004 verification with the signer's key, for xml-crypto. */
function gostSignatureAlgorithm(signer: ParsedCertificate): AlgClass {
  return class {
    getAlgorithmName(): string {
      return XMLDSIG.gostSignature
    }
    getSignature(): string {
      throw new Error('GOST XML signing happens in NCALayer or on a token')
    }
    verifySignature(material: string, _key: unknown, signatureValue: string): boolean {
      return gostVerify(
        signer,
        Buffer.from(material, 'utf8'),
        Buffer.from(signatureValue.replace(/\s+/g, ''), 'base64'),
      )
    }
  }
}

const text = (n: XElement | null | undefined): string => (n?.textContent ?? '').replace(/\s+/g, '')

/**
 * Verify an enveloped XMLDSig: exactly one signature, over the whole document, a supported
 * algorithm matching the certificate's key, references and SignatureValue (xml-crypto), then
 * the signer certificate like `verifyCms`. Report as `verifyCms` (content = null).
 */
export async function verifyXmlSignature(o: XmlVerifyOptions): Promise<VerifyReport> {
  const now = o.now ?? new Date()
  const at = o.at ?? now
  const checks: Record<CheckName, CheckState> = {
    structure: 'skipped',
    digest: 'skipped',
    signature: 'skipped',
    chain: 'skipped',
    validity: 'skipped',
    keyUsage: 'skipped',
    role: 'skipped',
    identity: 'skipped',
    revocation: 'skipped',
  }
  const ctx: Ctx = { errors: [], checks, purpose: o.purpose }
  const notChecked: RevocationResult = {
    status: 'not_checked',
    source: null,
    checkedAt: now.toISOString(),
  }
  const fail = (
    code: Parameters<typeof addFail>[1],
    params?: Record<string, string | number>,
    signer: ParsedCertificate | null = null,
  ): VerifyReport => {
    checks.structure = 'failed'
    addFail(ctx, code, params)
    return makeReport(ctx, signer, null, at, null, [], notChecked)
  }

  const xml = typeof o.xml === 'string' ? o.xml : Buffer.from(o.xml).toString('utf8')
  const { SignedXml, DOMParser } = loadLibs()
  let doc: XDocument
  let errorSeen = false
  try {
    doc = new DOMParser({
      errorHandler: (level: string) => {
        if (level !== 'warning') errorSeen = true
      },
    }).parseFromString(xml, 'text/xml')
  } catch {
    return fail('eds_xml_malformed')
  }
  if (errorSeen || !doc?.documentElement) return fail('eds_xml_malformed')
  const signatures = Array.from(doc.getElementsByTagNameNS(XMLDSIG.ns, 'Signature'))
  if (signatures.length === 0) return fail('eds_xml_signature_missing')
  if (signatures.length !== 1) return fail('eds_cms_signer_count', { count: signatures.length })
  const sigNode = signatures[0]!

  // signer certificate (and any further certificates) from KeyInfo/X509Data
  const certs: ParsedCertificate[] = []
  try {
    for (const c of Array.from(sigNode.getElementsByTagNameNS(XMLDSIG.ns, 'X509Certificate')))
      certs.push(parseCertificateCached(Buffer.from(text(c), 'base64')))
  } catch {
    return fail('eds_xml_malformed')
  }
  const signer = certs.find((c) => !c.ca) ?? null
  if (!signer) return fail('eds_signer_cert_missing')

  // the signature must cover the whole document: every Reference is URI="" + enveloped
  const refs = Array.from(sigNode.getElementsByTagNameNS(XMLDSIG.ns, 'Reference'))
  const wholeDocument =
    refs.length > 0 &&
    refs.every(
      (r) =>
        r.getAttribute('URI') === '' &&
        Array.from(r.getElementsByTagNameNS(XMLDSIG.ns, 'Transform')).some(
          (t) => t.getAttribute('Algorithm') === XMLDSIG.enveloped,
        ),
    )
  if (!wholeDocument) return fail('eds_xml_reference_scope', {}, signer)

  const method = sigNode
    .getElementsByTagNameNS(XMLDSIG.ns, 'SignatureMethod')[0]
    ?.getAttribute('Algorithm')
  const rsa = method === XMLDSIG.rsaSha256 && signer.keyAlg === OID.rsaEncryption
  const gost = method === XMLDSIG.gostSignature && signer.keyAlg === GOST_OID.key2004
  if (!rsa && !gost) return fail('eds_unsupported_algorithm', { algorithm: method ?? '-' }, signer)
  checks.structure = 'ok'

  const sx = new SignedXml({ publicCert: toPem(signer.der) })
  if (gost) {
    sx.HashAlgorithms = { ...sx.HashAlgorithms, [XMLDSIG.gostDigest]: gostDigestAlgorithm(signer) }
    sx.SignatureAlgorithms = {
      ...sx.SignatureAlgorithms,
      [XMLDSIG.gostSignature]: gostSignatureAlgorithm(signer),
    }
  }
  try {
    sx.loadSignature(sigNode)
    const refsOk = sx.checkSignature(xml)
    if (refsOk) {
      checks.digest = 'ok'
      checks.signature = 'ok'
    } else {
      checks.digest = 'failed'
      addFail(ctx, 'eds_digest_mismatch')
    }
  } catch (e) {
    const msg = e instanceof Error ? e.message : ''
    if (/invalid signature/i.test(msg)) {
      checks.digest = 'ok'
      checks.signature = 'failed'
      addFail(ctx, 'eds_signature_invalid')
    } else if (/algorithm/i.test(msg)) {
      return fail('eds_unsupported_algorithm', { algorithm: msg.slice(0, 120) }, signer)
    } else return fail('eds_xml_malformed', {}, signer)
  }

  const { chain, revocation } = await checkSignerCertificate(ctx, signer, certs, at, now, o)
  return makeReport(ctx, signer, null, at, null, chain, revocation)
}

export interface XmlSignOptions {
  xml: string
  provider: KeyProvider
  keyId: string
  /** namespace prefix of the signature elements; NCA uses "ds" */
  prefix?: string
}

/**
 * Sign an XML document the way NCA's tools do: an enveloped `ds:Signature` appended to the
 * root element, SignedInfo in inclusive C14N, the reference (URI="") with enveloped-signature
 * + C14N with comments, SHA-256, RSA-SHA256, the certificate in KeyInfo. The key signs inside
 * its storage (PKCS#12 file or PKCS#11 token), asynchronously. RSA keys only (GOST signs in
 * NCALayer).
 */
export async function signXml(o: XmlSignOptions): Promise<string> {
  const { SignedXml } = loadLibs()
  const key = (await o.provider.listKeys()).find((k) => k.keyId === o.keyId)
  if (!key) throw new Error(`key ${o.keyId} not found`)
  const certB64 = Buffer.from(key.certificate).toString('base64')
  const prefix = o.prefix ?? 'ds'
  const provider = o.provider
  const keyId = o.keyId
  class ProviderRsaSha256 {
    getAlgorithmName(): string {
      return XMLDSIG.rsaSha256
    }
    getSignature(
      signedInfo: string | Uint8Array,
      _key: unknown,
      callback?: (err: Error | null, sig?: string) => void,
    ): string | void {
      if (!callback) throw new Error('the key storage signs asynchronously')
      provider
        .signRaw(
          keyId,
          typeof signedInfo === 'string' ? Buffer.from(signedInfo, 'utf8') : signedInfo,
        )
        .then(
          (sig) => callback(null, Buffer.from(sig).toString('base64')),
          (e: unknown) => callback(e instanceof Error ? e : new Error(String(e))),
        )
    }
    verifySignature(): boolean {
      return false
    }
  }
  const sx = new SignedXml({
    // never used: the algorithm below signs in the storage
    privateKey: 'provider',
    signatureAlgorithm: XMLDSIG.rsaSha256,
    canonicalizationAlgorithm: XMLDSIG.c14n,
    getKeyInfoContent: () =>
      `<${prefix}:X509Data><${prefix}:X509Certificate>${certB64}</${prefix}:X509Certificate></${prefix}:X509Data>`,
  })
  sx.SignatureAlgorithms = {
    ...sx.SignatureAlgorithms,
    [XMLDSIG.rsaSha256]: ProviderRsaSha256,
  }
  sx.addReference({
    xpath: '/*',
    transforms: [XMLDSIG.enveloped, XMLDSIG.c14nWithComments],
    digestAlgorithm: XMLDSIG.sha256,
    uri: '',
    isEmptyUri: true,
  })
  await new Promise<void>((resolve, reject) => {
    sx.computeSignature(
      o.xml,
      { prefix, location: { reference: '/*', action: 'append' } },
      (err) => (err ? reject(err) : resolve()),
    )
  })
  return sx.getSignedXml()
}
