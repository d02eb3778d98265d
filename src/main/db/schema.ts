/** Typed schema of the workstation's local SQLite database (kysely table interfaces). */
export interface SettingsTable {
  key: string
  /** JSON-encoded value */
  value: string
  updated_at: string
}

export interface LocalDatabase {
  settings: SettingsTable
}
