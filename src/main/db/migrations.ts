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
  {
    version: 2,
    name: 'sync mirror, outbox and problems',
    up(db) {
      db.exec(`
        -- the central store's rows in the signed-in user's scope, exactly as pulled
        CREATE TABLE server_rows (
          entity TEXT NOT NULL,
          id TEXT NOT NULL,
          data TEXT NOT NULL,
          cursor INTEGER NOT NULL,
          PRIMARY KEY (entity, id)
        ) STRICT, WITHOUT ROWID;

        -- optimistic effects of commands not yet confirmed by a pull (data NULL = deleted)
        CREATE TABLE local_rows (
          command_id TEXT NOT NULL,
          seq INTEGER NOT NULL,
          entity TEXT NOT NULL,
          id TEXT NOT NULL,
          data TEXT,
          PRIMARY KEY (command_id, entity, id)
        ) STRICT;
        CREATE INDEX local_rows_by_row ON local_rows (entity, id, seq);

        -- what the UI reads: the newest pending effect wins over the server's row
        CREATE VIEW rows AS
          SELECT entity, id, data, 1 AS pending FROM (
            SELECT entity, id, data, row_number() OVER (PARTITION BY entity, id ORDER BY seq DESC) AS rn
              FROM local_rows
          ) WHERE rn = 1 AND data IS NOT NULL
          UNION ALL
          SELECT s.entity, s.id, s.data, 0 AS pending FROM server_rows s
           WHERE NOT EXISTS (SELECT 1 FROM local_rows l WHERE l.entity = s.entity AND l.id = s.id);

        -- user actions waiting for (or confirmed by) the central store; seq never reused
        CREATE TABLE outbox (
          seq INTEGER PRIMARY KEY AUTOINCREMENT,
          id TEXT NOT NULL UNIQUE,
          -- per signed-in person: the central store expects 1, 2, 3, ... per client id
          client_seq INTEGER NOT NULL,
          type TEXT NOT NULL,
          payload TEXT NOT NULL,
          signature TEXT,
          actor_iin TEXT NOT NULL,
          created_at TEXT NOT NULL,
          state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'accepted')),
          attempts INTEGER NOT NULL DEFAULT 0,
          last_error TEXT
        );

        -- commands the central store refused: shown until the user dismisses them
        CREATE TABLE sync_problems (
          id TEXT PRIMARY KEY,
          seq INTEGER NOT NULL,
          type TEXT NOT NULL,
          payload TEXT NOT NULL,
          code TEXT NOT NULL,
          params TEXT,
          at TEXT NOT NULL,
          dismissed_at TEXT
        ) STRICT;

        CREATE TABLE sync_state (
          key TEXT PRIMARY KEY,
          value TEXT NOT NULL
        ) STRICT;

        -- people who signed in on this PC online: allows offline sign-in
        CREATE TABLE known_users (
          iin TEXT PRIMARY KEY,
          actor TEXT NOT NULL,
          certificate_sha256 TEXT NOT NULL,
          last_online_at TEXT NOT NULL
        ) STRICT;
      `)
    },
  },
  {
    version: 3,
    name: 'staff journal, names seen, profile',
    up(db) {
      // IF NOT EXISTS: profiles from before this migration created these on first use
      db.exec(`
        CREATE TABLE IF NOT EXISTS staff_journal (command_id TEXT PRIMARY KEY, at TEXT NOT NULL, actor_iin TEXT NOT NULL, kindergarten_id TEXT, type TEXT NOT NULL, object_id TEXT NOT NULL, signed INTEGER NOT NULL, note TEXT);
        CREATE TABLE IF NOT EXISTS staff_names (application_id TEXT PRIMARY KEY, kindergarten_id TEXT, child_name TEXT, application_number TEXT, child_birth_date TEXT);
        CREATE TABLE IF NOT EXISTS staff_profile (iin TEXT PRIMARY KEY, email TEXT NOT NULL, updated_at TEXT NOT NULL);
      `)
    },
  },
]
