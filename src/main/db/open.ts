import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import { Kysely, SqliteDialect } from 'kysely'
import { AppError } from '../../core/result'
import { migrations as defaultMigrations, type Migration } from './migrations'
import type { LocalDatabase } from './schema'

export const DATABASE_FILE = 'workstation.sqlite'

export interface LocalDb {
  sqlite: Database.Database
  db: Kysely<LocalDatabase>
  path: string
  schemaVersion: number
  close(): Promise<void>
}

export interface OpenOptions {
  migrations?: readonly Migration[]
  /** Path to a better-sqlite3 native binding built for another runtime (Electron). */
  nativeBinding?: string
}

export function latestVersion(list: readonly Migration[] = defaultMigrations): number {
  return list.reduce((max, m) => Math.max(max, m.version), 0)
}

/**
 * Open (creating if needed) the local database at `path`: WAL journal, synchronous=FULL
 * (every committed write survives a crash or power loss), foreign keys on. Pending
 * migrations are applied in one transaction; a database written by a newer version of
 * the program is refused with `db_newer_version` and left untouched.
 */
export function openLocalDatabase(path: string, options: OpenOptions = {}): LocalDb {
  const list = options.migrations ?? defaultMigrations
  const supported = latestVersion(list)
  mkdirSync(dirname(path), { recursive: true })
  let sqlite: Database.Database
  try {
    sqlite = new Database(path, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {})
  } catch {
    throw new AppError('db_open_failed', { path })
  }
  try {
    const found = sqlite.pragma('user_version', { simple: true }) as number
    if (found > supported) throw new AppError('db_newer_version', { found, supported })
    sqlite.pragma('journal_mode = WAL')
    sqlite.pragma('synchronous = FULL')
    sqlite.pragma('foreign_keys = ON')
    sqlite.pragma('busy_timeout = 5000')
    const pending = list.filter((m) => m.version > found).sort((a, b) => a.version - b.version)
    if (pending.length > 0) {
      sqlite.transaction(() => {
        for (const m of pending) m.up(sqlite)
        sqlite.pragma(`user_version = ${supported}`)
      }).immediate()
    }
  } catch (err) {
    sqlite.close()
    throw err
  }
  const db = new Kysely<LocalDatabase>({ dialect: new SqliteDialect({ database: sqlite }) })
  return {
    sqlite,
    db,
    path,
    schemaVersion: supported,
    async close() {
      await db.destroy() // closes the better-sqlite3 handle too
    },
  }
}
