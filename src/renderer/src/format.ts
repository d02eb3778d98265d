/** Dates and times as Kazakhstan's offices read them: Asia/Almaty, in the UI language. */
export function formatDateTime(iso: string, lang: string): string {
  return new Date(iso).toLocaleString(lang === 'ru' ? 'ru-RU' : 'kk-KZ', { timeZone: 'Asia/Almaty' })
}
