import type { Catalog } from './types'

/** Error codes of statistics, Excel exports and printable documents (issue 9). */
export const reportsMessages = {
  report_period_invalid: {
    kk: 'Кезеңнің басы соңынан кейін тұр.',
    ru: 'Начало периода позже его окончания.',
  },
  export_not_found: {
    kk: 'Экспорт табылмады: {{id}}',
    ru: 'Экспорт не найден: {{id}}',
  },
  export_not_ready: {
    kk: 'Excel файлы әлі дайын емес.',
    ru: 'Файл Excel ещё не готов.',
  },
  export_too_large: {
    kk: 'Файл тым үлкен ({{bytes}} байт), оны мына жерден ашыңыз: {{path}}',
    ru: 'Файл слишком большой ({{bytes}} байт), откройте его здесь: {{path}}',
  },
} satisfies Catalog
