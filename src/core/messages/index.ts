import { attendanceMessages } from './attendance'
import { commonMessages } from './common'
import { deliveryMessages } from './delivery'
import { edsMessages } from './eds'
import { reportsMessages } from './reports'
import { rulesMessages } from './rules'
import { serverMessages } from './server'
import { syncMessages } from './sync'
import type { Catalog, Lang } from './types'
import type { Violation } from '../result'

export type { Catalog, Lang, Text } from './types'
export { LANGS } from './types'

/**
 * Every error code of the system with its Kazakh and Russian text. Each area keeps its
 * own file here and is merged below; a test checks that every code has both languages.
 */
export const messages: Catalog = {
  ...attendanceMessages,
  ...commonMessages,
  ...deliveryMessages,
  ...edsMessages,
  ...reportsMessages,
  ...rulesMessages,
  ...serverMessages,
  ...syncMessages,
}

export function interpolate(template: string, params: Record<string, unknown> = {}): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_m, key: string) =>
    key in params ? String(params[key]) : `{{${key}}}`,
  )
}

/** Translate a violation; an unknown code falls back to the generic internal error. */
export function formatViolation(v: Violation, lang: Lang, catalog: Catalog = messages): string {
  const text = catalog[v.code] ?? catalog['internal']
  return interpolate(text ? text[lang] : v.code, v.params ?? {})
}
