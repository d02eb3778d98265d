import type BetterSqlite3 from 'better-sqlite3'

/**
 * Local database migrations, imported statically (no filesystem scanning, so bundling
 * works). Versions are consecutive from 1; `PRAGMA user_version` records the last one
 * applied. Never edit a released migration: add a new one.
 */
export interface Migration {
  version: number
  name: string
  up(db: BetterSqlite3.Database): void
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'settings',
    up(db) {
      db.exec(`
        CREATE TABLE settings (
          key TEXT PRIMARY KEY NOT NULL,
          value TEXT NOT NULL,
          updated_at TEXT NOT NULL
        ) STRICT;
      `)
    },
  },
]
