/**
 * A small OCSP responder (RFC 6960) for the demo PKI and tests: answers from the current
 * CRL file (re-read on every request, so revoking = writing a new CRL), signs with a
 * delegated responder certificate, echoes the nonce, and serves the CRL itself at
 * GET /crl/*. Binds to 127.0.0.1 only.
 */
import { createHash, createPrivateKey, sign as cryptoSign, type KeyObject } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import * as der from './der'
import { certificatesFromPemOrDer, parseCertificate, type ParsedCertificate } from './certificate'
import { OID } from './oids'
import { certIdParts, parseCrl } from './revocation'
import { sha256WithRsa } from './x509-build'

export interface OcspResponderOptions {
  /** the CA whose certificates are answered for */
  issuer: Uint8Array
  /** responder certificate (delegated, id-kp-OCSPSigning) and its key; or the issuer's */
  responderCert: Uint8Array
  responderKey: KeyObject
  /** file holding the current CRL (PEM or DER) */
  crlFile: string
  port?: number
  /** validity of answers (nextUpdate - thisUpdate), ms; default 1 hour */
  validityMs?: number
}

export interface RunningResponder {
  url: string
  crlUrl: string
  port: number
  /** requests answered (tests) */
  readonly requests: number
  close(): Promise<void>
}

const status = (code: number): Uint8Array => der.seq(der.tlv(0x0a, Uint8Array.from([code])))

/** Build the DER OCSPResponse for a DER OCSPRequest. */
export function answerOcsp(
  request: Uint8Array,
  o: {
    issuer: ParsedCertificate
    responderCert: Uint8Array
    responderKey: KeyObject
    crl: Uint8Array
    now?: Date
    validityMs?: number
  },
): Uint8Array {
  const now = o.now ?? new Date()
  let certIds: Uint8Array[]
  let nonce: Uint8Array | null = null
  try {
    const top = der.read(request, 0)
    const [tbs] = der.children(request, top)
    const parts = der.children(request, tbs!)
    const list = parts.find((p) => p.tag === 0x30)!
    certIds = der
      .children(request, list)
      .map((r) => der.bytes(request, der.children(request, r)[0]!))
    const extsWrap = parts.find((p) => p.tag === 0xa2)
    if (extsWrap) {
      for (const e of der.children(request, der.children(request, extsWrap)[0]!)) {
        const ep = der.children(request, e)
        if (der.decodeOid(der.content(request, ep[0]!)) === OID.ocspNonce) {
          nonce = der.content(request, ep[ep.length - 1]!)
        }
      }
    }
    if (certIds.length === 0) return status(1)
  } catch {
    return status(1) // malformedRequest
  }
  const crl = parseCrl(o.crl)
  const { nameHash, keyHash } = certIdParts(
    { issuerDer: o.issuer.subjectDer } as ParsedCertificate,
    o.issuer,
  )
  const gt = (d: Date): Uint8Array => der.generalizedTime(d)
  const responses = certIds.map((idBytes) => {
    const id = der.read(idBytes, 0)
    const [, nh, kh, serial] = der.children(idBytes, id)
    const ours =
      Buffer.compare(der.content(idBytes, nh!), nameHash) === 0 &&
      Buffer.compare(der.content(idBytes, kh!), keyHash) === 0
    let certStatus: Uint8Array
    if (!ours) certStatus = Uint8Array.from([0x82, 0x00])
    else {
      const hex = Buffer.from(der.content(idBytes, serial!))
        .toString('hex')
        .replace(/^(00)+(?=.)/, '')
        .toUpperCase()
      const at = crl.revoked.get(hex)
      certStatus = at ? der.tlv(0xa1, gt(at)) : Uint8Array.from([0x80, 0x00])
    }
    return der.seq(
      idBytes,
      certStatus,
      gt(now),
      der.ctx(0, gt(new Date(now.getTime() + (o.validityMs ?? 3600_000)))),
    )
  })
  const responder = parseCertificate(o.responderCert)
  const top = der.read(responder.spki, 0)
  const [, bits] = der.children(responder.spki, top)
  const responderKeyHash = createHash('sha1')
    .update(der.content(responder.spki, bits!).subarray(1))
    .digest()
  const tbs = der.seq(
    der.ctx(2, der.octets(responderKeyHash)),
    gt(now),
    der.seq(...responses),
    ...(nonce ? [der.ctx(1, der.seq(der.seq(der.oid(OID.ocspNonce), der.octets(nonce))))] : []),
  )
  const signature = cryptoSign('sha256', tbs, o.responderKey)
  const basic = der.seq(
    tbs,
    sha256WithRsa(),
    der.bitString(signature),
    der.ctx(0, der.seq(o.responderCert)),
  )
  return der.seq(
    der.tlv(0x0a, Uint8Array.from([0])),
    der.ctx(0, der.seq(der.oid(OID.ocspBasic), der.octets(basic))),
  )
}

export async function startOcspResponder(o: OcspResponderOptions): Promise<RunningResponder> {
  const issuer = parseCertificate(o.issuer)
  let requests = 0
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      try {
        const crl = readFileSync(o.crlFile)
        if (req.method === 'GET' && req.url?.startsWith('/crl')) {
          const parsed = Buffer.from(crl).toString('latin1').includes('-----BEGIN')
            ? Buffer.from(
                Buffer.from(crl)
                  .toString('latin1')
                  .replace(/-----[^-]+-----|\s+/g, ''),
                'base64',
              )
            : crl
          res.writeHead(200, { 'content-type': 'application/pkix-crl' }).end(parsed)
          return
        }
        if (req.method !== 'POST') {
          res.writeHead(405).end()
          return
        }
        requests++
        const body = answerOcsp(Buffer.concat(chunks), {
          issuer,
          responderCert: o.responderCert,
          responderKey: o.responderKey,
          crl,
          ...(o.validityMs !== undefined ? { validityMs: o.validityMs } : {}),
        })
        res.writeHead(200, { 'content-type': 'application/ocsp-response' }).end(Buffer.from(body))
      } catch {
        res
          .writeHead(200, { 'content-type': 'application/ocsp-response' })
          .end(Buffer.from(status(2)))
      }
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(o.port ?? 0, '127.0.0.1', () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}/ocsp`,
    crlUrl: `http://127.0.0.1:${port}/crl/demo.crl`,
    port,
    get requests() {
      return requests
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** The responder of a demo PKI folder (`bq demo keys` output). */
export function startDemoOcspResponder(dir: string, port?: number): Promise<RunningResponder> {
  const issuer = certificatesFromPemOrDer(readFileSync(join(dir, 'ca', 'intermediate.pem')))[0]!
  const responderCert = certificatesFromPemOrDer(readFileSync(join(dir, 'ocsp', 'ocsp.pem')))[0]!
  const responderKey = createPrivateKey(readFileSync(join(dir, 'ocsp', 'ocsp-key.pem')))
  return startOcspResponder({
    issuer,
    responderCert,
    responderKey,
    crlFile: join(dir, 'ca', 'crl.pem'),
    ...(port !== undefined ? { port } : {}),
  })
}
