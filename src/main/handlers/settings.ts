import type { Settings } from '../api/contract'
import type { BackendContext, Handler } from '../backend'

/** PKCS#11 modules offered until the user configures their own (see docs/eds.md). */
export const DEFAULT_PKCS11_MODULES: readonly string[] =
  process.platform === 'win32'
    ? ['C:\\Windows\\System32\\kztoken.dll', 'C:\\Windows\\System32\\eTPKCS11.dll', 'C:\\Windows\\System32\\jcPKCS11-2.dll']
    : ['/usr/lib/libkztoken.so', '/usr/lib/libeTPkcs11.so', '/usr/lib/libjcPKCS11-2.so', '/usr/lib/softhsm/libsofthsm2.so']

export const DEFAULT_SETTINGS: Settings = {
  language: 'kk',
  serverUrl: '',
  pkcs11Modules: [...DEFAULT_PKCS11_MODULES],
  lockAfterMinutes: 15,
}

export async function readSettings(ctx: BackendContext): Promise<Settings> {
  const rows = await ctx.db.selectFrom('settings').select(['key', 'value']).execute()
  const stored: Record<string, unknown> = {}
  for (const row of rows) {
    try {
      stored[row.key] = JSON.parse(row.value)
    } catch {
      // an unreadable value falls back to its default rather than breaking the app
    }
  }
  return { ...DEFAULT_SETTINGS, ...(stored as Partial<Settings>) }
}

export const getSettings: Handler<'settings.get'> = async (_args, ctx) => readSettings(ctx)

export const updateSettings: Handler<'settings.update'> = async (args, ctx) => {
  const now = new Date().toISOString()
  await ctx.db.transaction().execute(async (trx) => {
    for (const [key, value] of Object.entries(args)) {
      if (value === undefined) continue
      await trx
        .insertInto('settings')
        .values({ key, value: JSON.stringify(value), updated_at: now })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify(value), updated_at: now }))
        .execute()
    }
  })
  const settings = await readSettings(ctx)
  ctx.emit('settings.changed', settings)
  return settings
}
