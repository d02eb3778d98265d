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
  {
    version: 4,
    name: 'office: queue index, application history, saved filters',
    up(db) {
      db.exec(`
        -- the clerk's queue grid: one typed row per application of the mirror, kept up to
        -- date from server_rows (by cursor) and local_rows (pending effects) before each read
        CREATE TABLE office_apps (
          id TEXT PRIMARY KEY,
          number TEXT NOT NULL,
          child_name TEXT, child_name_lc TEXT, child_iin TEXT,
          applicant_name TEXT, applicant_name_lc TEXT, applicant_iin TEXT,
          registered_at TEXT NOT NULL,
          status TEXT NOT NULL,
          privilege TEXT NOT NULL,
          privilege_status TEXT,
          birth_date TEXT,
          birth_year INTEGER,
          queue_type TEXT NOT NULL,
          region_id TEXT,
          district_id TEXT,
          language TEXT,
          correction_type TEXT,
          interest_confirmed_at TEXT,
          stop_list_until TEXT,
          queue_no INTEGER,
          priv_no INTEGER,
          pending INTEGER NOT NULL DEFAULT 0
        ) STRICT;
        -- the grid's default order (queue type, cohort, queue number, registration) and the
        -- renumbering of one cohort; every other order or filter is materialised per query
        CREATE INDEX office_apps_order ON office_apps (queue_type, birth_year, coalesce(queue_no, 1000000000), registered_at, id);
        CREATE INDEX office_apps_cohort ON office_apps (queue_type, region_id, birth_year);
        CREATE INDEX office_apps_child_iin ON office_apps (child_iin);
        CREATE INDEX office_apps_pending ON office_apps (pending) WHERE pending = 1;
        -- the mirror's application rows by cursor, so the index catches up without a full scan
        CREATE INDEX server_rows_application_cursor ON server_rows (cursor) WHERE entity = 'application';

        -- every change of an application's state this workstation has pulled: status,
        -- privilege status, stop-list; with who changed it when the store says so
        CREATE TABLE application_history (
          seq INTEGER PRIMARY KEY AUTOINCREMENT,
          application_id TEXT NOT NULL,
          at TEXT,
          status TEXT,
          old_status TEXT,
          privilege_status TEXT,
          stop_list_until TEXT,
          by_name TEXT,
          by_role TEXT,
          reason TEXT
        );
        CREATE INDEX application_history_app ON application_history (application_id, seq);
        CREATE TRIGGER application_history_track AFTER UPDATE OF data ON server_rows
          WHEN NEW.entity = 'application' AND (
            json_extract(OLD.data, '$.status') IS NOT json_extract(NEW.data, '$.status')
            OR json_extract(OLD.data, '$.privilege_status') IS NOT json_extract(NEW.data, '$.privilege_status')
            OR json_extract(OLD.data, '$.stop_list_until') IS NOT json_extract(NEW.data, '$.stop_list_until'))
        BEGIN
          INSERT INTO application_history (application_id, at, status, old_status, privilege_status, stop_list_until, by_name, by_role, reason)
          VALUES (NEW.id, json_extract(NEW.data, '$.updated_at'), json_extract(NEW.data, '$.status'), json_extract(OLD.data, '$.status'),
                  json_extract(NEW.data, '$.privilege_status'), json_extract(NEW.data, '$.stop_list_until'),
                  json_extract(NEW.data, '$.changed_by'), json_extract(NEW.data, '$.changed_by_role'), json_extract(NEW.data, '$.change_reason'));
        END;

        -- a person's saved queue filters on this workstation
        CREATE TABLE saved_filters (
          id TEXT PRIMARY KEY,
          owner_iin TEXT NOT NULL,
          name TEXT NOT NULL,
          filter TEXT NOT NULL,
          created_at TEXT NOT NULL,
          UNIQUE (owner_iin, name)
        ) STRICT;
      `)
    },
  },
  {
    version: 5,
    name: 'contract scans waiting to be uploaded to the central store',
    up(db) {
      // the file of a `contract.attach` command, uploaded by the sync engine before the
      // command is pushed (the command carries only its SHA-256)
      db.exec(`
        CREATE TABLE attachment_blobs (
          sha256 TEXT PRIMARY KEY,
          content_type TEXT NOT NULL,
          bytes INTEGER NOT NULL,
          data BLOB NOT NULL,
          uploaded_at TEXT
        ) STRICT;
      `)
    },
  },
  {
    version: 6,
    name: 'attendance marks by kindergarten and day',
    up(db) {
      // the month grid, the табель and the funding sheet read a kindergarten's marks of one
      // month (handlers/attendance.ts): one index range instead of every mark of the scope
      db.exec(`
        CREATE INDEX server_rows_attendance_mark ON server_rows (json_extract(data, '$.kindergarten_id'), json_extract(data, '$.date'))
          WHERE entity = 'attendance_mark';
      `)
    },
  },
]
