import i18next from 'i18next'
import { initReactI18next, useTranslation } from 'react-i18next'
import { messages, LANGS, type Lang } from '../../../core/messages'
import type { Violation } from '../../../core/result'
import { LABELS } from '../../../core/labels'
import kk from './kk.json'
import ru from './ru.json'

/** Error texts come from the shared catalog in src/core/messages (one source for all hosts). */
function errorTexts(lang: Lang): Record<string, string> {
  return Object.fromEntries(Object.entries(messages).map(([code, text]) => [code, text[lang]]))
}

/** Status and enumeration labels come from src/core/labels (`labels.<table>.<value>`). */
function labelTexts(lang: Lang): Record<string, Record<string, string>> {
  return Object.fromEntries(
    Object.entries(LABELS).map(([table, values]) => [table, Object.fromEntries(Object.entries(values as Record<string, Record<Lang, string>>).map(([k, text]) => [k, text[lang]]))]),
  )
}

export const catalogs = { kk, ru } as const

export function initI18n(lang: Lang = 'kk') {
  void i18next.use(initReactI18next).init({
    lng: lang,
    fallbackLng: false,
    supportedLngs: [...LANGS],
    resources: Object.fromEntries(
      LANGS.map((l) => [l, { translation: { ...catalogs[l], errors: errorTexts(l), labels: labelTexts(l) } }]),
    ),
    interpolation: { escapeValue: false },
    returnNull: false,
  })
  return i18next
}

/** Translate a `{ code, params }` violation. */
export function useViolationText(): (v: Violation) => string {
  const { t } = useTranslation()
  return (v) => {
    const key = `errors.${v.code}`
    return i18next.exists(key) ? t(key, v.params ?? {}) : t('errors.internal')
  }
}
