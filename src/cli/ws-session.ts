import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Backend } from '../main/backend'
import type { KeySource, SessionInfo } from '../main/api/contract'
import { AppError } from '../core/result'
import { UsageError } from './command'

/** Flags shared by the headless workstation commands that need a signed-in session. */
export const signInOptions = {
  server: { type: 'string' },
  p12: { type: 'string' },
  'password-file': { type: 'string' },
  pkcs11: { type: 'string' },
  slot: { type: 'string' },
  'pin-file': { type: 'string' },
} as const

export interface SignInFlags {
  server?: string | undefined
  p12?: string | undefined
  'password-file'?: string | undefined
  pkcs11?: string | undefined
  slot?: string | undefined
  'pin-file'?: string | undefined
}

/** The first line of a secret file, without its line ending. Never printed. */
export function readSecretFile(path: string): string {
  try {
    return readFileSync(path, 'utf8').split(/\r?\n/)[0] ?? ''
  } catch {
    throw new UsageError(`cannot read ${path}`)
  }
}

export function keySourceFromFlags(f: SignInFlags): KeySource | null {
  if (f.p12) {
    if (!f['password-file']) throw new UsageError('--p12 needs --password-file')
    return { storage: 'pkcs12', path: resolve(f.p12), password: readSecretFile(f['password-file']) }
  }
  if (f.pkcs11) {
    if (!f['pin-file']) throw new UsageError('--pkcs11 needs --pin-file')
    const slot = f.slot === undefined ? undefined : Number(f.slot)
    if (slot !== undefined && !Number.isInteger(slot)) throw new UsageError('--slot must be a number')
    return { storage: 'pkcs11', module: f.pkcs11, pin: readSecretFile(f['pin-file']), ...(slot === undefined ? {} : { slot }) }
  }
  return null
}

/** Set the central store address (if given) and sign in with the key in the flags. */
export async function signInFromFlags(backend: Backend, f: SignInFlags, live = false): Promise<SessionInfo | null> {
  const key = keySourceFromFlags(f)
  if (f.server) {
    const r = await backend.invoke('settings.update', { serverUrl: f.server })
    if (!r.ok) throw new AppError(r.error.code, r.error.params)
  }
  if (!key) return null
  const settings = await backend.invoke('settings.get', {})
  if (!settings.ok) throw new AppError(settings.error.code, settings.error.params)
  return backend.context.session.signIn(key, settings.value.serverUrl, { live })
}
