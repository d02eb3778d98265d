/** Dates and times as Kazakhstan's offices read them: Asia/Almaty, in the UI language. */
const formatters = new Map<string, Intl.DateTimeFormat>()

export function formatDateTime(iso: string, lang: string): string {
  const locale = lang === 'ru' ? 'ru-RU' : 'kk-KZ'
  // building a formatter costs far more than using one: the queue grid formats many per frame
  let f = formatters.get(locale)
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { timeZone: 'Asia/Almaty', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
    formatters.set(locale, f)
  }
  return f.format(new Date(iso))
}

const dateFormatters = new Map<string, Intl.DateTimeFormat>()

/** The Almaty calendar day of an instant, in the UI language (a departure's date). */
export function formatDate(iso: string, lang: string): string {
  const locale = lang === 'ru' ? 'ru-RU' : 'kk-KZ'
  let f = dateFormatters.get(locale)
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { timeZone: 'Asia/Almaty', year: 'numeric', month: '2-digit', day: '2-digit' })
    dateFormatters.set(locale, f)
  }
  return f.format(new Date(iso))
}
