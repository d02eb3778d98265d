/**
 * The workstation API contract: every handler's name, argument schema (zod, validated at
 * the boundary by every host), whether it writes, and its result type. Pure: imported by
 * the backend (which implements it), by the renderer (types only, and schemas for form
 * validation) and by the CLI.
 */
import { z } from 'zod'
import type { Violation } from '../../core/result'

export const languageSchema = z.enum(['kk', 'ru'])
export type Language = z.infer<typeof languageSchema>

export const serverUrlSchema = z
  .string()
  .trim()
  .max(2048)
  .refine((s) => s === '' || /^https?:\/\/[^\s/$.?#][^\s]*$/i.test(s), {
    params: { code: 'invalid_server_url' },
  })

export const settingsSchema = z.object({
  language: languageSchema,
  /** Address of the central store, e.g. https://bq.example.kz; empty = not configured. */
  serverUrl: serverUrlSchema,
  /** PKCS#11 module paths offered in the key dialog, in order. */
  pkcs11Modules: z.array(z.string().trim().min(1).max(1024)).max(20),
  /** Minutes of inactivity before the session locks. */
  lockAfterMinutes: z.number().int().min(1).max(240),
})
export type Settings = z.infer<typeof settingsSchema>

export interface AboutInfo {
  appVersion: string
  host: 'electron' | 'web' | 'cli'
  versions: Record<string, string>
  databasePath: string
  schemaVersion: number
  profileDir: string
}

const empty = z.object({}).strict()

export const contract = {
  'settings.get': { write: false, input: empty },
  'settings.update': { write: true, input: settingsSchema.partial().strict() },
  'app.about': { write: false, input: empty },
} as const

/** Result type of each handler. */
export interface Outputs {
  'settings.get': Settings
  'settings.update': Settings
  'app.about': AboutInfo
}

export type ApiName = keyof typeof contract & keyof Outputs
export type ApiInput<K extends ApiName> = z.input<(typeof contract)[K]['input']>
export type ApiArgs<K extends ApiName> = z.output<(typeof contract)[K]['input']>
export type ApiOutput<K extends ApiName> = Outputs[K]
export type ApiResult<K extends ApiName> =
  | { ok: true; value: ApiOutput<K> }
  | { ok: false; error: Violation }

/** Events pushed by the backend to the UI. */
export interface ApiEvents {
  'settings.changed': Settings
}
export type ApiEventName = keyof ApiEvents

/** The bridge the UI talks to: exposed by the preload (Electron) or the web host's shim. */
export interface WorkstationApi {
  invoke<K extends ApiName>(name: K, args: ApiInput<K>): Promise<ApiResult<K>>
  on<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void
}

export const apiNames = Object.keys(contract) as ApiName[]
export function isApiName(name: unknown): name is ApiName {
  return typeof name === 'string' && Object.hasOwn(contract, name)
}
