import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { latestVersion, openLocalDatabase } from '../../src/main/db/open'
import { migrations, type Migration } from '../../src/main/db/migrations'
import { AppError } from '../../src/core/result'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bq-db-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('local database', () => {
  it('creates the file with WAL, synchronous=FULL and every migration applied', async () => {
    const path = join(dir, 'sub', 'ws.sqlite')
    const local = openLocalDatabase(path)
    expect(local.sqlite.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(local.sqlite.pragma('synchronous', { simple: true })).toBe(2) // FULL
    expect(local.sqlite.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(local.sqlite.pragma('user_version', { simple: true })).toBe(latestVersion())
    await local.db.insertInto('settings').values({ key: 'k', value: '"v"', updated_at: 'now' }).execute()
    await local.close()
    // reopening applies nothing and keeps the data
    const again = openLocalDatabase(path)
    const rows = await again.db.selectFrom('settings').selectAll().execute()
    expect(rows.map((r) => r.key)).toEqual(['k'])
    await again.close()
  })

  it('refuses a database written by a newer version and leaves it untouched', async () => {
    const path = join(dir, 'ws.sqlite')
    const raw = new Database(path)
    raw.pragma(`user_version = ${latestVersion() + 5}`)
    raw.exec('CREATE TABLE future (x)')
    raw.close()
    let caught: unknown
    try {
      openLocalDatabase(path)
    } catch (err) {
      caught = err
    }
    expect(caught).toBeInstanceOf(AppError)
    expect((caught as AppError).toViolation()).toEqual({
      code: 'db_newer_version',
      params: { found: latestVersion() + 5, supported: latestVersion() },
    })
    const check = new Database(path)
    expect(check.pragma('user_version', { simple: true })).toBe(latestVersion() + 5)
    expect(check.prepare("select name from sqlite_master where name='settings'").get()).toBeUndefined()
    check.close()
  })

  it('applies pending migrations in one transaction: a failing one leaves the old version intact', async () => {
    const path = join(dir, 'ws.sqlite')
    const first = openLocalDatabase(path)
    await first.close()
    const broken: Migration[] = [
      ...migrations,
      { version: latestVersion() + 1, name: 'adds a table', up: (db) => db.exec('CREATE TABLE t2 (a INTEGER)') },
      { version: latestVersion() + 2, name: 'fails', up: (db) => db.exec('CREATE TABLE broken (') },
    ]
    expect(() => openLocalDatabase(path, { migrations: broken })).toThrow()
    const check = new Database(path)
    expect(check.pragma('user_version', { simple: true })).toBe(latestVersion())
    expect(check.prepare("select name from sqlite_master where name='t2'").get()).toBeUndefined()
    check.close()
  })

  it('migration versions are consecutive from 1', () => {
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_m, i) => i + 1))
  })
})
