/** Typed schema of the workstation's local SQLite database (kysely table interfaces). */
export interface SettingsTable {
  key: string
  /** JSON-encoded value */
  value: string
  updated_at: string
}

export interface ServerRowsTable {
  entity: string
  id: string
  data: string
  cursor: number
}

export interface LocalRowsTable {
  command_id: string
  seq: number
  entity: string
  id: string
  data: string | null
}

/** The effective view: pending local effects over the server's rows. */
export interface RowsView {
  entity: string
  id: string
  data: string
  pending: number
}

export interface OutboxTable {
  seq: number
  id: string
  client_seq: number
  type: string
  payload: string
  signature: string | null
  actor_iin: string
  created_at: string
  state: 'pending' | 'accepted'
  attempts: number
  last_error: string | null
}

export interface SyncProblemsTable {
  id: string
  seq: number
  type: string
  payload: string
  code: string
  params: string | null
  at: string
  dismissed_at: string | null
}

export interface SyncStateTable {
  key: string
  value: string
}

export interface KnownUsersTable {
  iin: string
  actor: string
  certificate_sha256: string
  last_online_at: string
}

export interface LocalDatabase {
  settings: SettingsTable
  server_rows: ServerRowsTable
  local_rows: LocalRowsTable
  rows: RowsView
  outbox: OutboxTable
  sync_problems: SyncProblemsTable
  sync_state: SyncStateTable
  known_users: KnownUsersTable
}
