import type { Handler } from '../backend'

export const about: Handler<'app.about'> = async (_args, ctx) => {
  const sqliteVersion = (ctx.sqlite.prepare('select sqlite_version() as v').get() as { v: string }).v
  return {
    appVersion: ctx.host.appVersion,
    host: ctx.host.host,
    versions: { ...ctx.host.versions, sqlite: sqliteVersion },
    databasePath: ctx.databasePath,
    schemaVersion: ctx.schemaVersion,
    profileDir: ctx.profileDir,
  }
}
