/**
 * A fake NCALayer for tests: a TLS WebSocket server on 127.0.0.1 with a self-signed
 * certificate (like the real one), speaking NCALayer's protocol (the version greeting,
 * `kz.gov.pki.knca.basics` → `sign`, `kz.gov.pki.knca.commonUtils` → `getActiveTokens`,
 * `getKeyInfo`, `createCMSSignatureFromBase64`) and signing with real keys: demo PKI or
 * NCA sample .p12 files (RSA through our Pkcs12Provider, GOST through the test-only GOST
 * signer). The "person" at NCALayer's dialogs is the `choose` callback.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { WebSocketServer, type WebSocket } from 'ws'
import { buildSignedData } from '../../src/eds/cms'
import { describeCertificate, toPem, type CertificateInfo } from '../../src/eds/certificate'
import { compareVersions } from '../../src/eds/ncalayer'
import { Pkcs12Provider } from '../../src/eds/p12'
import { gostKeyFromP12, gostSign, type GostTestKey } from './gost-signer'

export interface FakeKeySpec {
  p12: string
  password: string
  /** NCALayer storage type the key lives in (default PKCS12) */
  storage?: string
  gost?: boolean
}

export interface FakeKey {
  info: CertificateInfo
  certificate: Uint8Array
  storage: string
  sign(data: Uint8Array, detached: boolean): Promise<Uint8Array>
}

export type Choice = FakeKey | 'cancel'

export interface FakeNcaLayerOptions {
  version?: string
  keys: FakeKeySpec[]
  activeTokens?: string[]
  /**
   * The person at the dialog. `offered`: keys matching the request's filters; `all`: every
   * key NCALayer can see. Default: the first offered key, cancel when none.
   */
  choose?: (offered: FakeKey[], all: FakeKey[], request: Record<string, unknown>) => Choice
  /** signingTime the keys put into their CMS (default now) */
  signingTime?: Date
}

export interface FakeNcaLayer {
  url: string
  port: number
  keys: FakeKey[]
  /** every request received, parsed */
  requests: Array<Record<string, unknown>>
  close(): Promise<void>
}

async function loadKey(spec: FakeKeySpec, signingTime: () => Date | undefined): Promise<FakeKey> {
  const storage = spec.storage ?? 'PKCS12'
  if (spec.gost) {
    const k: GostTestKey = gostKeyFromP12(readFileSync(spec.p12), spec.password)
    return {
      info: describeCertificate(k.certificate),
      certificate: k.certificate,
      storage,
      sign: (data, detached) => {
        const t = signingTime()
        return buildSignedData({
          content: data,
          certificate: k.certificate,
          detached,
          ...(t ? { signingTime: t } : {}),
          sign: async (tbs) => gostSign(k, tbs),
        })
      },
    }
  }
  const p = await Pkcs12Provider.openFile(spec.p12, Buffer.from(spec.password))
  const [entry] = await p.listKeys()
  return {
    info: entry!,
    certificate: entry!.certificate,
    storage,
    sign: (data, detached) => {
      const t = signingTime()
      return p.sign(entry!.keyId, data, { detached, ...(t ? { signingTime: t } : {}) })
    },
  }
}

function keyInfoObject(k: FakeKey): Record<string, string> {
  return {
    alias: k.info.fingerprintSha256.slice(0, 40),
    keyId: k.info.fingerprintSha256.slice(0, 40),
    algorithm: k.info.algorithm.startsWith('RSA') ? 'RSA' : 'ECGOST34310',
    subjectCn: k.info.commonName ?? '',
    subjectDn: k.info.subject,
    issuerCn: k.info.issuerCommonName ?? '',
    issuerDn: k.info.issuer,
    serialNumber: k.info.serialNumber.toLowerCase(),
    certNotBefore: String(Date.parse(k.info.validFrom)),
    certNotAfter: String(Date.parse(k.info.validTo)),
    pem: toPem(k.certificate),
  }
}

export async function startFakeNcaLayer(o: FakeNcaLayerOptions): Promise<FakeNcaLayer> {
  const version = o.version ?? '1.4.0'
  const dir = mkdtempSync(join(tmpdir(), 'bq-fake-ncalayer-'))
  // a self-signed certificate for 127.0.0.1, as NCALayer has
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  )
  const keys: FakeKey[] = []
  for (const spec of o.keys) keys.push(await loadKey(spec, () => o.signingTime))
  const choose = o.choose ?? ((offered: FakeKey[]): Choice => offered[0] ?? 'cancel')
  const requests: Array<Record<string, unknown>> = []
  const https = createServer({
    key: readFileSync(join(dir, 'key.pem')),
    cert: readFileSync(join(dir, 'cert.pem')),
  })
  const wss = new WebSocketServer({ server: https })
  const hasBasics = compareVersions(version, '1.3') >= 0

  const handle = async (req: Record<string, unknown>): Promise<unknown> => {
    const module = req.module
    const method = req.method
    if (module === 'kz.gov.pki.knca.basics' && method === 'sign' && hasBasics) {
      const a = req.args as {
        format: string
        data: string | string[]
        signingParams?: { decode?: boolean; encapsulate?: boolean }
        signerParams?: {
          extKeyUsageOids?: string[]
          iin?: string
          bin?: string
          serialNumber?: string
        }
        allowedStorages?: string[] | null
      }
      if (a.format !== 'cms')
        return { status: false, code: 'UNSUPPORTED_FORMAT', message: a.format }
      const sp = a.signerParams ?? {}
      const offered = keys.filter(
        (k) =>
          (!a.allowedStorages || a.allowedStorages.includes(k.storage)) &&
          (sp.extKeyUsageOids ?? []).every((oid) => k.info.extKeyUsage.includes(oid)) &&
          (!sp.iin || k.info.iin === sp.iin) &&
          (!sp.bin || k.info.bin === sp.bin) &&
          (!sp.serialNumber || k.info.serialNumber.toLowerCase() === sp.serialNumber.toLowerCase()),
      )
      const c = choose(offered, keys, req)
      if (c === 'cancel') return { status: true, body: {} }
      const list = Array.isArray(a.data) ? a.data : [a.data]
      const out: string[] = []
      for (const d of list) {
        const bytes =
          a.signingParams?.decode === false ? Buffer.from(d, 'utf8') : Buffer.from(d, 'base64')
        const cms = await c.sign(bytes, !(a.signingParams?.encapsulate ?? true))
        out.push(Buffer.from(cms).toString('base64'))
      }
      return { status: true, body: { result: out } }
    }
    if (module === 'kz.gov.pki.knca.commonUtils') {
      const args = (req.args ?? []) as unknown[]
      if (method === 'getActiveTokens') return { code: '200', responseObject: o.activeTokens ?? [] }
      if (method === 'getKeyInfo') {
        const offered = keys.filter((k) => k.storage === args[0])
        const c = choose(offered, keys, req)
        if (c === 'cancel') return { code: '500', message: 'action.canceled' }
        return { code: '200', responseObject: keyInfoObject(c) }
      }
      if (method === 'createCMSSignatureFromBase64') {
        const [storage, keyType, data, attach] = args as [string, string, string, boolean]
        const purpose =
          keyType === 'SIGNATURE' ? 'sign' : keyType === 'AUTHENTICATION' ? 'auth' : null
        const offered = keys.filter(
          (k) => k.storage === storage && (!purpose || k.info.purpose === purpose),
        )
        const c = choose(offered, keys, req)
        if (c === 'cancel') return { code: '500', message: 'action.canceled' }
        const cms = await c.sign(Buffer.from(data, 'base64'), !attach)
        return { code: '200', responseObject: Buffer.from(cms).toString('base64') }
      }
    }
    return hasBasics || module === 'kz.gov.pki.knca.commonUtils'
      ? { code: '500', message: `unknown method ${String(module)}.${String(method)}` }
      : { status: false, code: 'MODULE_NOT_FOUND', message: String(module) }
  }

  wss.on('connection', (ws: WebSocket) => {
    ws.send(JSON.stringify({ result: { version } }))
    ws.on('message', (raw) => {
      let req: Record<string, unknown>
      try {
        req = JSON.parse(String(raw)) as Record<string, unknown>
      } catch {
        ws.send(JSON.stringify({ code: '500', message: 'bad json' }))
        return
      }
      requests.push(req)
      void handle(req).then(
        (r) => ws.send(JSON.stringify(r)),
        (e: unknown) =>
          ws.send(JSON.stringify({ status: false, code: 'ERROR', message: String(e) })),
      )
    })
  })
  await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve))
  const port = (https.address() as AddressInfo).port
  return {
    url: `wss://127.0.0.1:${port}`,
    port,
    keys,
    requests,
    close: async () => {
      for (const c of wss.clients) c.terminate()
      await new Promise<void>((resolve) => wss.close(() => resolve()))
      await new Promise<void>((resolve) => https.close(() => resolve()))
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
