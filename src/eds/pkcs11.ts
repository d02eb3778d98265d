/**
 * PKCS#11 token key storage (Kaztoken, eToken, JaCarta, the ID card, SoftHSM) through
 * pkcs11js. The key never leaves the token: CMS signed attributes are hashed here and the
 * DER DigestInfo is signed on the token with CKM_RSA_PKCS (what every vendor module
 * supports). PIN handling: the PIN Buffer is zeroed right after C_Login; a wrong PIN reports
 * the token's CKF_USER_PIN_COUNT_LOW / CKF_USER_PIN_FINAL_TRY state; a locked PIN stops
 * before trying; a removed token is reported as eds_token_removed, never as a crash.
 */
import * as pkcs11js from 'pkcs11js'
import { AppError } from '../core/result'
import { buildSignedData, digestInfoSha256, sha256 } from './cms'
import { infoOf, parseCertificate } from './certificate'
import { OID } from './oids'
import { wipe, type KeyEntry, type KeyProvider, type SignOptions } from './provider'

const CKR = {
  PIN_INCORRECT: 0xa0,
  PIN_INVALID: 0xa1,
  PIN_LEN_RANGE: 0xa2,
  PIN_EXPIRED: 0xa3,
  PIN_LOCKED: 0xa4,
  USER_ALREADY_LOGGED_IN: 0x100,
  CRYPTOKI_ALREADY_INITIALIZED: 0x191,
  DEVICE_REMOVED: 0x32,
  DEVICE_ERROR: 0x30,
  TOKEN_NOT_PRESENT: 0xe0,
  TOKEN_NOT_RECOGNIZED: 0xe1,
  SESSION_HANDLE_INVALID: 0xb3,
  SESSION_CLOSED: 0xb0,
  SLOT_ID_INVALID: 0x03,
} as const

const REMOVED = new Set<number>([
  CKR.DEVICE_REMOVED,
  CKR.TOKEN_NOT_PRESENT,
  CKR.TOKEN_NOT_RECOGNIZED,
  CKR.SESSION_HANDLE_INVALID,
  CKR.SESSION_CLOSED,
  CKR.SLOT_ID_INVALID,
])

export const CKF = {
  USER_PIN_COUNT_LOW: 0x10000,
  USER_PIN_FINAL_TRY: 0x20000,
  USER_PIN_LOCKED: 0x40000,
} as const

/** Map the token's PIN flags after a failed login to our error. */
export function pinFailure(flags: number): AppError {
  if (flags & CKF.USER_PIN_LOCKED) return new AppError('eds_pin_locked')
  if (flags & CKF.USER_PIN_FINAL_TRY)
    return new AppError('eds_pin_incorrect_final_try', { triesLeft: 1 })
  if (flags & CKF.USER_PIN_COUNT_LOW) return new AppError('eds_pin_incorrect_count_low')
  return new AppError('eds_pin_incorrect')
}

const rvOf = (e: unknown): number | null =>
  e && typeof e === 'object' && 'code' in e && typeof (e as { code: unknown }).code === 'number'
    ? (e as { code: number }).code
    : null
const rvName = (e: unknown): string =>
  e instanceof Error ? e.message.split(':')[0]!.trim() : String(e)

// one loaded library per module path (C_Initialize/C_Finalize are per process)
const modules = new Map<string, { lib: pkcs11js.PKCS11; refs: number }>()

function acquire(path: string): pkcs11js.PKCS11 {
  const m = modules.get(path)
  if (m) {
    m.refs++
    return m.lib
  }
  const lib = new pkcs11js.PKCS11()
  try {
    lib.load(path)
  } catch {
    throw new AppError('eds_pkcs11_module_failed', { module: path })
  }
  try {
    lib.C_Initialize()
  } catch (e) {
    if (rvOf(e) !== CKR.CRYPTOKI_ALREADY_INITIALIZED) {
      try {
        lib.close()
      } catch {
        /* ignore */
      }
      throw new AppError('eds_pkcs11_module_failed', { module: path })
    }
  }
  modules.set(path, { lib, refs: 1 })
  return lib
}

function release(path: string): void {
  const m = modules.get(path)
  if (!m) return
  if (--m.refs > 0) return
  modules.delete(path)
  try {
    m.lib.C_Finalize()
  } catch {
    /* token gone: nothing to finalize */
  }
  try {
    m.lib.close()
  } catch {
    /* ignore */
  }
}

export interface Pkcs11OpenOptions {
  /** path of the vendor's PKCS#11 library (see pkcs11-modules.ts) */
  module: string
  /** slot id, or index among slots with a token; default: the first slot with a token */
  slot?: number
  /** zeroed after login */
  pin: Uint8Array
}

export interface TokenSlot {
  slot: number
  slotId: string
  label: string
  manufacturer: string
  model: string
  serialNumber: string
  pinLocked: boolean
  pinCountLow: boolean
  pinFinalTry: boolean
}

/** Slots with a token present (no login needed). */
export function listTokens(modulePath: string): TokenSlot[] {
  const lib = acquire(modulePath)
  try {
    return lib.C_GetSlotList(true).map((h, i) => {
      const t = lib.C_GetTokenInfo(h)
      return {
        slot: i,
        slotId: h.readBigUInt64LE(0).toString(),
        label: t.label.trim(),
        manufacturer: t.manufacturerID.trim(),
        model: t.model.trim(),
        serialNumber: t.serialNumber.trim(),
        pinLocked: (t.flags & CKF.USER_PIN_LOCKED) !== 0,
        pinCountLow: (t.flags & CKF.USER_PIN_COUNT_LOW) !== 0,
        pinFinalTry: (t.flags & CKF.USER_PIN_FINAL_TRY) !== 0,
      }
    })
  } finally {
    release(modulePath)
  }
}

interface TokenKey {
  entry: KeyEntry
  handle: pkcs11js.Handle
}

export class Pkcs11Provider implements KeyProvider {
  readonly storage = 'pkcs11' as const
  private closed = false
  private keys: TokenKey[] | null = null

  private constructor(
    private readonly modulePath: string,
    private readonly lib: pkcs11js.PKCS11,
    private readonly slot: pkcs11js.Handle,
    private readonly session: pkcs11js.Handle,
    private readonly tokenSerial: string,
    private readonly tokenLabel: string,
  ) {}

  /**
   * Open a session and log in. Errors: eds_pkcs11_module_failed, eds_token_not_found,
   * eds_pin_empty, eds_pin_incorrect(_count_low|_final_try), eds_pin_locked, eds_token_removed.
   */
  static open(o: Pkcs11OpenOptions): Pkcs11Provider {
    if (o.pin.length === 0) {
      throw new AppError('eds_pin_empty')
    }
    let lib: pkcs11js.PKCS11
    try {
      lib = acquire(o.module)
    } catch (e) {
      wipe(o.pin)
      throw e
    }
    let session: pkcs11js.Handle | null = null
    try {
      const slots = lib.C_GetSlotList(true)
      let slot: pkcs11js.Handle | undefined
      if (o.slot === undefined) slot = slots[0]
      else {
        slot = slots.find((h) => h.readBigUInt64LE(0) === BigInt(o.slot!)) ?? slots[o.slot]
      }
      if (!slot) throw new AppError('eds_token_not_found', { slot: o.slot ?? 0 })
      const info = lib.C_GetTokenInfo(slot)
      if (info.flags & CKF.USER_PIN_LOCKED) throw new AppError('eds_pin_locked')
      session = lib.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION)
      let pin: string | null = Buffer.from(o.pin).toString('utf8')
      wipe(o.pin)
      try {
        lib.C_Login(session, pkcs11js.CKU_USER, pin)
      } catch (e) {
        const rv = rvOf(e)
        if (rv === CKR.USER_ALREADY_LOGGED_IN) {
          /* fine */
        } else if (rv === CKR.PIN_LOCKED) throw new AppError('eds_pin_locked')
        else if (rv === CKR.PIN_INCORRECT || rv === CKR.PIN_INVALID || rv === CKR.PIN_LEN_RANGE) {
          let flags = 0
          try {
            flags = lib.C_GetTokenInfo(slot).flags
          } catch {
            /* token went away: plain "incorrect" */
          }
          throw pinFailure(flags)
        } else throw e
      } finally {
        pin = null
      }
      return new Pkcs11Provider(
        o.module,
        lib,
        slot,
        session,
        info.serialNumber.trim(),
        info.label.trim(),
      )
    } catch (e) {
      wipe(o.pin)
      if (session) {
        try {
          lib.C_CloseSession(session)
        } catch {
          /* ignore */
        }
      }
      release(o.module)
      if (e instanceof AppError) throw e
      const rv = rvOf(e)
      if (rv !== null && (REMOVED.has(rv) || rv === CKR.DEVICE_ERROR))
        throw new AppError('eds_token_removed')
      throw new AppError('eds_pkcs11_error', { rv: rvName(e) })
    }
  }

  /** Run a token operation; map removal (by error code or by re-probing the slot). */
  private op<T>(fn: () => T): T {
    if (this.closed) throw new AppError('eds_token_removed')
    try {
      return fn()
    } catch (e) {
      if (e instanceof AppError) throw e
      const rv = rvOf(e)
      if (rv !== null && REMOVED.has(rv)) throw new AppError('eds_token_removed')
      if (!this.tokenStillThere()) throw new AppError('eds_token_removed')
      throw new AppError('eds_pkcs11_error', { rv: rvName(e) })
    }
  }

  private tokenStillThere(): boolean {
    try {
      const present = this.lib.C_GetSlotList(true).some((h) => Buffer.compare(h, this.slot) === 0)
      if (!present) return false
      const info = this.lib.C_GetTokenInfo(this.slot)
      if (info.serialNumber.trim() !== this.tokenSerial) return false
      this.lib.C_GetSessionInfo(this.session)
      return true
    } catch {
      return false
    }
  }

  private find(template: pkcs11js.Template): pkcs11js.Handle[] {
    this.lib.C_FindObjectsInit(this.session, template)
    try {
      return this.lib.C_FindObjects(this.session, 100)
    } finally {
      this.lib.C_FindObjectsFinal(this.session)
    }
  }

  private load(): TokenKey[] {
    if (this.keys) return this.keys
    this.keys = this.op(() => {
      const out: TokenKey[] = []
      const certs = this.find([
        { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_CERTIFICATE },
        { type: pkcs11js.CKA_CERTIFICATE_TYPE, value: pkcs11js.CKC_X_509 },
      ])
      for (const h of certs) {
        const [value, id, label] = this.lib.C_GetAttributeValue(this.session, h, [
          { type: pkcs11js.CKA_VALUE },
          { type: pkcs11js.CKA_ID },
          { type: pkcs11js.CKA_LABEL },
        ])
        const derBytes = value?.value as Buffer | undefined
        const idBytes = id?.value as Buffer | undefined
        if (!derBytes || !idBytes || idBytes.length === 0) continue
        const keys = this.find([
          { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
          { type: pkcs11js.CKA_ID, value: idBytes },
        ])
        const keyHandle = keys[0]
        if (!keyHandle) continue
        let parsed
        try {
          parsed = parseCertificate(Uint8Array.from(derBytes))
        } catch {
          continue
        }
        if (parsed.keyAlg !== OID.rsaEncryption) continue
        out.push({
          entry: {
            ...infoOf(parsed),
            keyId: idBytes.toString('hex'),
            storage: 'pkcs11',
            label: `${this.tokenLabel}${label?.value ? ` / ${(label.value as Buffer).toString('utf8')}` : ''}`,
            certificate: parsed.der,
          },
          handle: keyHandle,
        })
      }
      return out
    })
    return this.keys
  }

  async listKeys(): Promise<KeyEntry[]> {
    return this.load().map((k) => k.entry)
  }

  private key(keyId: string): TokenKey {
    const k = this.load().find((x) => x.entry.keyId === keyId)
    if (!k) throw new AppError('eds_key_not_found', { keyId })
    return k
  }

  async signRaw(keyId: string, data: Uint8Array): Promise<Uint8Array> {
    const k = this.key(keyId)
    const di = Buffer.from(digestInfoSha256(sha256(data)))
    return this.op(() => {
      this.lib.C_SignInit(this.session, { mechanism: pkcs11js.CKM_RSA_PKCS }, k.handle)
      return Uint8Array.from(this.lib.C_Sign(this.session, di, Buffer.alloc(1024)))
    })
  }

  async sign(keyId: string, data: Uint8Array, opts: SignOptions = {}): Promise<Uint8Array> {
    const k = this.key(keyId)
    return buildSignedData({
      content: data,
      certificate: k.entry.certificate,
      detached: opts.detached ?? true,
      ...(opts.signingTime ? { signingTime: opts.signingTime } : {}),
      sign: (tbs) => this.signRaw(keyId, tbs),
    })
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    try {
      this.lib.C_Logout(this.session)
    } catch {
      /* ignore */
    }
    try {
      this.lib.C_CloseSession(this.session)
    } catch {
      /* ignore */
    }
    release(this.modulePath)
  }
}
