/**
 * NCALayer as a key storage: NCA's desktop program (most Kazakh office PCs run it) signs
 * with any NCA key it can reach (key files, Kaztoken, the ID card, eToken, JaCarta; RSA
 * and GOST) and shows its own key and password dialogs. We speak its WebSocket API at
 * `wss://127.0.0.1:13579`:
 *
 * - on connecting, NCALayer sends `{"result":{"version":"1.4"}}`;
 * - `kz.gov.pki.knca.basics` → `sign` with `{allowedStorages, format: "cms", data (base64),
 *   signingParams: {decode, encapsulate, digested}, signerParams: {extKeyUsageOids, iin,
 *   bin, serialNumber}, locale}` answers `{status: true, body: {result: base64 | [base64]}}`;
 *   `{status: true, body: {}}` when the user cancelled; `{status: false, code, message}` on
 *   failure;
 * - `kz.gov.pki.knca.commonUtils` → `getActiveTokens`, `getKeyInfo(storage)`,
 *   `createCMSSignatureFromBase64(storage, keyType, data, attach)` answer
 *   `{code: "200", responseObject}`, another code (`message: "action.canceled"` when
 *   cancelled) on failure. Versions before basics (< 1.3) sign through this module.
 *
 * NCALayer serves a self-signed certificate: it is accepted for `127.0.0.1` only; any other
 * host gets normal TLS verification. Every signature NCALayer returns is checked here: it
 * must be a CMS over our data by the key the user chose earlier (or for the purpose and
 * person asked for), else `eds_ncalayer_wrong_key`.
 */
import WebSocket from 'ws'
import { AppError } from '../core/result'
import { maskIin } from '../core/iin'
import { infoOf, parseCertificate, certificatesFromPemOrDer, type Purpose } from './certificate'
import { parseCms, readBase64OrDer } from './cms'
import { OID } from './oids'
import type { KeyEntry, KeyProvider, SignOptions } from './provider'

export const NCALAYER_URL = 'wss://127.0.0.1:13579'
/** `kz.gov.pki.knca.basics` (the `sign` with signer filters) appeared in NCALayer 1.3 */
export const NCALAYER_BASICS_VERSION = '1.3'
/** below this, not even `commonUtils.createCMSSignatureFromBase64` can be relied on */
export const NCALAYER_MIN_VERSION = '1.2'

export interface NcaLayerOptions {
  /** default wss://127.0.0.1:13579 */
  url?: string
  /**
   * which key `sign("*", …)` asks for: SIGN (legal acts) or AUTH (sign-in); with a key from
   * `listKeys`, that key's purpose
   */
  purpose?: Purpose
  /** only this person's / organisation's key (signer filter and check) */
  expect?: { iin?: string; bin?: string }
  /** NCALayer's dialog language */
  locale?: 'kk' | 'ru' | 'en'
  /** connecting, ms (default 3000) */
  connectTimeoutMs?: number
  /** waiting for the person in NCALayer's dialogs, ms (default 5 min) */
  userTimeoutMs?: number
  /** storages NCALayer may offer (null: all) */
  allowedStorages?: string[] | null
}

interface BasicsAnswer {
  status?: boolean
  body?: { result?: string | string[] }
  code?: string
  message?: string
  details?: string
}
interface CommonAnswer {
  code?: string
  message?: string
  responseObject?: unknown
}

const isLoopback127 = (u: URL): boolean => u.hostname === '127.0.0.1'

/** Compare dotted versions: -1, 0, 1. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((x) => Number.parseInt(x, 10) || 0)
  const pb = b.split('.').map((x) => Number.parseInt(x, 10) || 0)
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0)
    if (d !== 0) return d < 0 ? -1 : 1
  }
  return 0
}

/** One WebSocket to NCALayer; requests go one at a time (NCALayer answers in order). */
class Connection {
  private queue: Promise<unknown> = Promise.resolve()
  private constructor(
    private readonly ws: WebSocket,
    readonly version: string,
  ) {}

  static open(urlText: string, timeoutMs: number): Promise<Connection> {
    let url: URL
    try {
      url = new URL(urlText)
    } catch {
      return Promise.reject(new AppError('eds_ncalayer_not_running', { url: urlText }))
    }
    if (url.protocol !== 'wss:')
      return Promise.reject(new AppError('eds_ncalayer_not_running', { url: urlText }))
    return new Promise((resolve, reject) => {
      // NCALayer's own self-signed certificate: accepted for 127.0.0.1 only
      const ws = new WebSocket(
        urlText,
        isLoopback127(url)
          ? { rejectUnauthorized: false, handshakeTimeout: timeoutMs }
          : { handshakeTimeout: timeoutMs },
      )
      let done = false
      const fail = (e: AppError): void => {
        if (done) return
        done = true
        clearTimeout(timer)
        ws.removeAllListeners()
        ws.on('error', () => undefined)
        ws.terminate()
        reject(e)
      }
      const timer = setTimeout(
        () => fail(new AppError('eds_ncalayer_not_running', { url: urlText })),
        timeoutMs,
      )
      ws.once('error', () => fail(new AppError('eds_ncalayer_not_running', { url: urlText })))
      ws.once('close', () => fail(new AppError('eds_ncalayer_not_running', { url: urlText })))
      ws.once('message', (data) => {
        let version: unknown
        try {
          version = (JSON.parse(String(data)) as { result?: { version?: unknown } }).result?.version
        } catch {
          version = undefined
        }
        if (typeof version !== 'string' || !/^\d+(\.\d+)*$/.test(version)) {
          fail(
            new AppError('eds_ncalayer_old_version', {
              version: '?',
              required: NCALAYER_MIN_VERSION,
            }),
          )
          return
        }
        if (compareVersions(version, NCALAYER_MIN_VERSION) < 0) {
          fail(
            new AppError('eds_ncalayer_old_version', { version, required: NCALAYER_MIN_VERSION }),
          )
          return
        }
        done = true
        clearTimeout(timer)
        ws.removeAllListeners()
        ws.on('error', () => undefined)
        resolve(new Connection(ws, version))
      })
    })
  }

  request<T>(body: object, timeoutMs: number): Promise<T> {
    const run = (): Promise<T> =>
      new Promise<T>((resolve, reject) => {
        if (this.ws.readyState !== WebSocket.OPEN) {
          reject(new AppError('eds_ncalayer_failed', { message: 'closed' }))
          return
        }
        const cleanup = (): void => {
          clearTimeout(timer)
          this.ws.off('message', onMessage)
          this.ws.off('close', onClose)
        }
        const onMessage = (data: WebSocket.RawData): void => {
          cleanup()
          try {
            resolve(JSON.parse(String(data)) as T)
          } catch {
            reject(new AppError('eds_ncalayer_failed', { message: 'not JSON' }))
          }
        }
        const onClose = (): void => {
          cleanup()
          reject(new AppError('eds_ncalayer_failed', { message: 'closed' }))
        }
        const timer = setTimeout(() => {
          cleanup()
          reject(new AppError('eds_ncalayer_timeout'))
        }, timeoutMs)
        this.ws.on('message', onMessage)
        this.ws.once('close', onClose)
        this.ws.send(JSON.stringify(body))
      })
    const p = this.queue.then(run, run)
    this.queue = p.catch(() => undefined)
    return p
  }

  close(): void {
    this.ws.close()
  }
}

const EKU_FOR: Record<Purpose, string> = { sign: OID.emailProtection, auth: OID.clientAuth }
const KEY_TYPE_FOR: Record<Purpose, string> = { sign: 'SIGNATURE', auth: 'AUTHENTICATION' }

function commonResult(a: CommonAnswer): unknown {
  if (a.code === '200') return a.responseObject
  if (/cancel/i.test(a.message ?? '')) throw new AppError('eds_ncalayer_cancelled')
  throw new AppError('eds_ncalayer_failed', {
    message: `${a.code ?? '?'}: ${a.message ?? ''}`.slice(0, 200),
  })
}

/**
 * NCALayer key storage. `listKeys` asks NCALayer which key the person uses (its key dialog);
 * `sign` asks NCALayer to sign with a key for the purpose, of that person (and of the key
 * listed, when one was), and checks the answer.
 */
export class NcaLayerProvider implements KeyProvider {
  readonly storage = 'ncalayer' as const
  private chosen: KeyEntry | null = null

  private constructor(
    private readonly conn: Connection,
    private readonly o: NcaLayerOptions,
  ) {}

  static async connect(o: NcaLayerOptions): Promise<NcaLayerProvider> {
    const conn = await Connection.open(o.url ?? NCALAYER_URL, o.connectTimeoutMs ?? 3000)
    return new NcaLayerProvider(conn, o)
  }

  get version(): string {
    return this.conn.version
  }

  get hasBasics(): boolean {
    return compareVersions(this.conn.version, NCALAYER_BASICS_VERSION) >= 0
  }

  private get userTimeout(): number {
    return this.o.userTimeoutMs ?? 300_000
  }

  /** Storage types NCALayer sees right now (e.g. `["AKKaztokenStore"]`); files are `PKCS12`. */
  async getActiveTokens(): Promise<string[]> {
    const r = commonResult(
      await this.conn.request<CommonAnswer>(
        { module: 'kz.gov.pki.knca.commonUtils', method: 'getActiveTokens' },
        30_000,
      ),
    )
    return Array.isArray(r) ? r.filter((x): x is string => typeof x === 'string') : []
  }

  private async storageType(): Promise<string> {
    const active = await this.getActiveTokens()
    return active[0] ?? 'PKCS12'
  }

  /** NCALayer's key dialog: the person picks a key; we describe its certificate. */
  async listKeys(): Promise<KeyEntry[]> {
    if (this.chosen) return [this.chosen]
    const storage = await this.storageType()
    const info = commonResult(
      await this.conn.request<CommonAnswer>(
        { module: 'kz.gov.pki.knca.commonUtils', method: 'getKeyInfo', args: [storage] },
        this.userTimeout,
      ),
    ) as { pem?: string; alias?: string } | null
    const der = info?.pem ? certificatesFromPemOrDer(Buffer.from(info.pem, 'latin1'))[0] : undefined
    if (!der) throw new AppError('eds_ncalayer_failed', { message: 'getKeyInfo: no certificate' })
    let parsed
    try {
      parsed = parseCertificate(der)
    } catch {
      throw new AppError('eds_ncalayer_failed', { message: 'getKeyInfo: bad certificate' })
    }
    this.chosen = {
      ...infoOf(parsed),
      keyId: parsed.fingerprint.slice(0, 40),
      storage: 'ncalayer',
      label: `NCALayer ${this.conn.version}: ${storage}`,
      certificate: der,
    }
    return [this.chosen]
  }

  /**
   * CMS by NCALayer over `data` (detached by default). `keyId`: a key from `listKeys`, or
   * `"*"` for any key of the configured purpose and person (one dialog instead of two).
   */
  async sign(keyId: string, data: Uint8Array, opts: SignOptions = {}): Promise<Uint8Array> {
    const key = keyId === '*' ? null : this.chosen
    if (keyId !== '*' && (!key || key.keyId !== keyId))
      throw new AppError('eds_key_not_found', { keyId })
    const purpose = key?.purpose ?? this.o.purpose
    if (!purpose) throw new AppError('eds_no_key_for_purpose', { purpose: 'SIGN/AUTH' })
    const detached = opts.detached ?? true
    const b64 = Buffer.from(data).toString('base64')
    let cmsB64: string
    if (this.hasBasics) {
      const signerParams: Record<string, unknown> = { extKeyUsageOids: [EKU_FOR[purpose]] }
      const iin = key?.iin ?? this.o.expect?.iin
      const bin = key?.bin ?? this.o.expect?.bin
      if (iin) signerParams.iin = iin
      if (bin) signerParams.bin = bin
      if (key) signerParams.serialNumber = key.serialNumber.toLowerCase()
      const a = await this.conn.request<BasicsAnswer>(
        {
          module: 'kz.gov.pki.knca.basics',
          method: 'sign',
          args: {
            allowedStorages: this.o.allowedStorages ?? null,
            format: 'cms',
            data: b64,
            signingParams: { decode: true, encapsulate: !detached, digested: false },
            signerParams,
            locale: this.o.locale ?? 'ru',
          },
        },
        this.userTimeout,
      )
      if (a.status !== true) {
        if (/cancel/i.test(`${a.code ?? ''} ${a.message ?? ''}`))
          throw new AppError('eds_ncalayer_cancelled')
        throw new AppError('eds_ncalayer_failed', {
          message: `${a.code ?? '?'}: ${a.message ?? ''}`.slice(0, 200),
        })
      }
      const result = a.body?.result
      if (result === undefined) throw new AppError('eds_ncalayer_cancelled')
      const first = Array.isArray(result) ? result[0] : result
      if (typeof first !== 'string')
        throw new AppError('eds_ncalayer_failed', { message: 'no signature' })
      cmsB64 = first
    } else {
      const r = commonResult(
        await this.conn.request<CommonAnswer>(
          {
            module: 'kz.gov.pki.knca.commonUtils',
            method: 'createCMSSignatureFromBase64',
            args: [await this.storageType(), KEY_TYPE_FOR[purpose], b64, !detached],
          },
          this.userTimeout,
        ),
      )
      if (typeof r !== 'string')
        throw new AppError('eds_ncalayer_failed', { message: 'no signature' })
      cmsB64 = r
    }
    const cms = readBase64OrDer(Buffer.from(cmsB64.replace(/\s+/g, ''), 'base64'))
    this.checkAnswer(cms, data, detached, key, purpose)
    return cms
  }

  /** The CMS must be ours: parseable, over `data`, by the chosen/expected key. */
  private checkAnswer(
    cms: Uint8Array,
    data: Uint8Array,
    detached: boolean,
    key: KeyEntry | null,
    purpose: Purpose,
  ): void {
    let signerCert: Uint8Array | undefined
    try {
      const p = parseCms(cms)
      const si = p.signers[0]
      signerCert = p.certificates.find((c) => {
        const pc = parseCertificate(c)
        return si?.serial ? Buffer.compare(pc.serial, si.serial) === 0 : !pc.ca
      })
      if (!detached && (!p.content || Buffer.compare(p.content, data) !== 0))
        throw new AppError('eds_ncalayer_failed', { message: 'content differs' })
    } catch (e) {
      if (e instanceof AppError) throw e
      throw new AppError('eds_ncalayer_failed', { message: 'not a CMS' })
    }
    if (!signerCert) throw new AppError('eds_ncalayer_failed', { message: 'no signer certificate' })
    const info = infoOf(parseCertificate(signerCert))
    const wrong = (expected: string, actual: string): AppError =>
      new AppError('eds_ncalayer_wrong_key', { expected, actual })
    if (key && info.fingerprintSha256 !== key.fingerprintSha256)
      throw wrong(`${key.fullName} ${key.serialNumber}`, `${info.fullName} ${info.serialNumber}`)
    if (info.purpose !== purpose)
      throw wrong(purpose.toUpperCase(), (info.purpose ?? '-').toUpperCase())
    const iin = this.o.expect?.iin
    if (iin && info.iin !== iin) throw wrong(maskIin(iin), info.iin ? maskIin(info.iin) : '-')
    const bin = this.o.expect?.bin
    if (bin && info.bin !== bin) throw wrong(bin, info.bin ?? '-')
  }

  async signRaw(): Promise<Uint8Array> {
    throw new AppError('eds_ncalayer_failed', {
      message: 'raw signatures are not offered by NCALayer',
    })
  }

  async close(): Promise<void> {
    this.conn.close()
  }
}
