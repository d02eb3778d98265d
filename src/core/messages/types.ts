export type Lang = 'kk' | 'ru'
export const LANGS: readonly Lang[] = ['kk', 'ru']
/** A translated text: `{{name}}` placeholders are filled from a violation's params. */
export type Text = Record<Lang, string>
export type Catalog = Record<string, Text>
