/**
 * Opening a key storage chosen in the key dialog: a PKCS#12 file with its password, or a
 * PKCS#11 token with its PIN, or NCALayer (which asks for the password/PIN itself; its
 * address is `wss://127.0.0.1:13579`, `BQ_NCALAYER_URL` overrides it). The secret arrives as a string from the UI (it cannot be
 * wiped in JS), is copied into a Buffer that the provider zeroes, and is never stored or
 * logged.
 */
import { readFile } from 'node:fs/promises'
import { basename } from 'node:path'
import { AppError } from '../core/result'
import { Pkcs12Provider } from '../eds/p12'
import { Pkcs11Provider } from '../eds/pkcs11'
import { NCALAYER_URL, NcaLayerProvider } from '../eds/ncalayer'
import type { KeyProvider } from '../eds/provider'
import type { KeySource } from './api/contract'

export async function openKeyStorage(source: KeySource): Promise<KeyProvider> {
  if (source.storage === 'ncalayer') {
    return NcaLayerProvider.connect({ url: process.env.BQ_NCALAYER_URL || NCALAYER_URL })
  }
  if (source.storage === 'pkcs12') {
    let data: Buffer
    try {
      data = await readFile(source.path)
    } catch {
      throw new AppError('key_file_unreadable', { file: basename(source.path) })
    }
    return Pkcs12Provider.open(data, Buffer.from(source.password, 'utf8'), basename(source.path))
  }
  return Pkcs11Provider.open({
    module: source.module,
    ...(source.slot === undefined ? {} : { slot: source.slot }),
    pin: Buffer.from(source.pin, 'utf8'),
  })
}

/** Open, use and always close a key storage. */
export async function withKeyStorage<T>(source: KeySource, fn: (p: KeyProvider) => Promise<T>): Promise<T> {
  const provider = await openKeyStorage(source)
  try {
    return await fn(provider)
  } finally {
    await provider.close().catch(() => undefined)
  }
}
