/**
 * The statistics reports (issue 9, seed 003): their ids, columns, filters and Kazakh /
 * Russian texts. Pure data, shared by the workstation (SQL over the local mirror, the
 * statistics page, the Excel export) and the central store (the same numbers in
 * PostgreSQL), so both speak of the same columns in the same words.
 */
import type { Text } from './messages/types'
import { APPLICATION_STATUS_LABELS, PRIVILEGE_LABELS, QUEUE_TYPE_LABELS, REFERRAL_STATUS_LABELS } from './labels'

export const REPORT_IDS = ['kindergartens', 'allocated', 'referrals', 'queue', 'bulletin', 'occupancy', 'movement'] as const
export type ReportId = (typeof REPORT_IDS)[number]

/** Filtered tables that can be exported besides the reports. */
export const TABLE_IDS = ['queue_list', 'referral_list', 'children_list', 'queue_grid', 'attendance_funding'] as const
export type TableId = (typeof TABLE_IDS)[number]

export const KINDERGARTEN_TYPES = ['state', 'private', 'private_state_order', 'sanatorium', 'special'] as const
export type KindergartenType = (typeof KINDERGARTEN_TYPES)[number]

/** Departure reasons as the workstation records them (api/contract DEPARTURE_REASONS). */
export const MOVEMENT_REASONS = ['parents_request', 'moved', 'school', 'health', 'transfer', 'other'] as const

export interface ReportFilters {
  /** Almaty dates, inclusive */
  from?: string | undefined
  to?: string | undefined
  districtId?: string | undefined
  kindergartenType?: KindergartenType | undefined
  language?: 'kk' | 'ru' | undefined
}

export type CellType = 'text' | 'int' | 'date' | 'datetime' | 'money'
export type Cell = string | number | null

export interface ReportColumn {
  key: string
  type: CellType
  title: Text
  /** Excel column width in characters */
  width: number
}

export interface ReportTable {
  id: ReportId | TableId
  columns: ReportColumn[]
  rows: Cell[][]
}

/** Queue types that a kindergarten type serves (the kindergarten-type filter on the queue). */
export const QUEUE_OF_TYPE: Record<KindergartenType, string> = {
  state: 'general',
  private: 'general',
  private_state_order: 'private_state_order',
  sanatorium: 'sanatorium',
  special: 'special_voucher',
}

const c = (key: string, type: CellType, kk: string, ru: string, width = type === 'text' ? 30 : 14): ReportColumn => ({ key, type, title: { kk, ru }, width })

const REASON_TEXT: Record<(typeof MOVEMENT_REASONS)[number], Text> = {
  parents_request: { kk: 'Ата-ананың өтініші', ru: 'По заявлению родителей' },
  moved: { kk: 'Тұрғылықты жерін ауыстырды', ru: 'Смена места жительства' },
  school: { kk: 'Мектепке кетті', ru: 'Выбыл в школу' },
  health: { kk: 'Денсаулығы бойынша', ru: 'По состоянию здоровья' },
  transfer: { kk: 'Басқа балабақшаға ауысты', ru: 'Перевод в другой детский сад' },
  other: { kk: 'Басқа себеп', ru: 'Другая причина' },
}

export const REPORT_COLUMNS: Record<ReportId | TableId, ReportColumn[]> = {
  kindergartens: [
    c('type', 'text', 'Балабақша түрі', 'Тип детского сада', 36),
    c('kindergartens', 'int', 'Балабақшалар саны', 'Количество детских садов'),
    c('groups', 'int', 'Топтар саны', 'Количество групп'),
    c('places', 'int', 'Жалпы орын саны', 'Всего мест'),
    c('enrolled', 'int', 'Тәрбиеленушілер', 'Воспитанников'),
    c('free', 'int', 'Бос орындар', 'Свободных мест'),
  ],
  allocated: [
    c('kindergarten', 'text', 'Балабақша', 'Детский сад', 40),
    c('district', 'text', 'Аудан', 'Район', 16),
    c('type', 'text', 'Балабақша түрі', 'Тип детского сада', 24),
    c('places', 'int', 'Орын саны', 'Мест'),
    c('enrolled', 'int', 'Қабылданғандар', 'Зачислено'),
    c('referrals', 'int', 'Қолданыстағы жолдамалар', 'Действующие направления'),
    c('allocated', 'int', 'Кезеңде бөлінген орындар', 'Выделено мест за период'),
    c('free', 'int', 'Бос орындар', 'Свободных мест'),
  ],
  referrals: [
    c('date', 'date', 'Берілген күні', 'Дата выдачи'),
    c('issued', 'int', 'Берілген жолдамалар', 'Выдано направлений'),
    c('byPrivilege', 'int', 'Жеңілдік бойынша', 'По льготе'),
    c('active', 'int', 'Қолданыстағы', 'Действующие'),
    c('used', 'int', 'Пайдаланылған', 'Использованы'),
    c('cancelled', 'int', 'Күші жойылған', 'Аннулированы'),
  ],
  queue: [
    c('birthYear', 'int', 'Туған жылы', 'Год рождения'),
    c('none', 'int', 'Жеңілдіксіз', 'Без льготы'),
    c('firstPriority', 'int', 'Бірінші кезектегі', 'Первоочередные'),
    c('outOfTurn', 'int', 'Кезектен тыс', 'Внеочередные'),
    c('total', 'int', 'Барлығы', 'Всего'),
  ],
  bulletin: [
    c('date', 'date', 'Орын босаған күні', 'Дата освобождения места'),
    c('vacancies', 'int', 'Хабарландырулар', 'Объявлений'),
    c('places', 'int', 'Босаған орындар', 'Освобождено мест'),
    c('taken', 'int', 'Бөлінді', 'Распределено'),
    c('free', 'int', 'Бос', 'Свободно'),
  ],
  occupancy: [
    c('kindergarten', 'text', 'Балабақша', 'Детский сад', 40),
    c('group', 'text', 'Топ', 'Группа', 30),
    c('language', 'text', 'Тілі', 'Язык', 8),
    c('capacity', 'int', 'Орын саны', 'Мест'),
    c('enrolled', 'int', 'Қабылданғандар', 'Зачислено'),
    c('free', 'int', 'Бос орындар', 'Свободно'),
  ],
  movement: [
    c('kindergarten', 'text', 'Балабақша', 'Детский сад', 40),
    c('enrolled', 'int', 'Қабылданды', 'Зачислено'),
    c('departed', 'int', 'Шықты', 'Выбыло'),
    ...MOVEMENT_REASONS.map((r) => c(`departed_${r}`, 'int', `Шықты: ${REASON_TEXT[r].kk}`, `Выбыло: ${REASON_TEXT[r].ru}`, 18)),
  ],
  queue_list: [
    c('number', 'text', 'Өтініш нөмірі', 'Номер заявления', 24),
    c('child', 'text', 'Бала', 'Ребёнок', 30),
    c('birthDate', 'date', 'Туған күні', 'Дата рождения'),
    c('queueType', 'text', 'Кезек түрі', 'Тип очереди', 18),
    c('district', 'text', 'Аудан', 'Район', 14),
    c('language', 'text', 'Тілі', 'Язык', 8),
    c('privilege', 'text', 'Жеңілдік', 'Льгота', 16),
    c('registeredAt', 'datetime', 'Тіркелген уақыты', 'Дата регистрации', 18),
    c('status', 'text', 'Мәртебесі', 'Статус', 16),
  ],
  queue_grid: [
    c('queueNo', 'int', 'Кезектегі нөмірі', 'Номер в очереди', 12),
    c('privNo', 'int', 'Жеңілдік санатындағы нөмірі', 'Номер в категории льготы', 14),
    c('number', 'text', 'Өтініш нөмірі', 'Номер заявления', 24),
    c('child', 'text', 'Бала', 'Ребёнок', 30),
    c('birthDate', 'date', 'Туған күні', 'Дата рождения'),
    c('queueType', 'text', 'Кезек түрі', 'Тип очереди', 18),
    c('district', 'text', 'Аудан', 'Район', 14),
    c('privilege', 'text', 'Жеңілдік', 'Льгота', 16),
    c('applicant', 'text', 'Өтініш беруші', 'Заявитель', 30),
    c('registeredAt', 'datetime', 'Тіркелген уақыты', 'Дата регистрации', 18),
    c('status', 'text', 'Мәртебесі', 'Статус', 16),
  ],
  referral_list: [
    c('id', 'text', 'Жолдама нөмірі', 'Номер направления', 24),
    c('number', 'text', 'Өтініш нөмірі', 'Номер заявления', 24),
    c('child', 'text', 'Бала', 'Ребёнок', 30),
    c('kindergarten', 'text', 'Балабақша', 'Детский сад', 36),
    c('group', 'text', 'Топ', 'Группа', 24),
    c('issuedAt', 'datetime', 'Берілген уақыты', 'Выдано', 18),
    c('expiresAt', 'datetime', 'Жарамды мерзімі', 'Действует до', 18),
    c('status', 'text', 'Мәртебесі', 'Статус', 14),
  ],
  children_list: [
    c('child', 'text', 'Бала', 'Ребёнок', 30),
    c('number', 'text', 'Өтініш нөмірі', 'Номер заявления', 24),
    c('kindergarten', 'text', 'Балабақша', 'Детский сад', 36),
    c('group', 'text', 'Топ', 'Группа', 24),
    c('enrolledAt', 'date', 'Қабылданған күні', 'Дата зачисления'),
    c('departedAt', 'date', 'Шыққан күні', 'Дата выбытия'),
    c('reason', 'text', 'Шығу себебі', 'Причина выбытия', 20),
  ],
  // issue 11: one row per kindergarten and month (core/attendance fundingSheet), then each
  // district's total, then the total of the sheet
  attendance_funding: [
    c('district', 'text', 'Аудан', 'Район', 16),
    c('kindergarten', 'text', 'Балабақша', 'Детский сад', 36),
    c('type', 'text', 'Түрі', 'Тип', 18),
    c('children', 'int', 'Балалар', 'Детей', 10),
    c('workingDays', 'int', 'Жұмыс күндері', 'Рабочих дней', 10),
    c('expected', 'int', 'Күтілген бала-күн', 'Ожидаемо дето-дней', 12),
    c('attended', 'int', 'Келген бала-күн', 'Посещено дето-дней', 12),
    c('illness', 'int', 'Ауру', 'Болезнь', 10),
    c('family_leave', 'int', 'Отбасылық демалыс', 'Семейный отпуск', 12),
    c('summer_leave', 'int', 'Жазғы демалыс', 'Летний отпуск', 12),
    c('quarantine', 'int', 'Карантин', 'Карантин', 10),
    c('other', 'int', 'Басқа себеп', 'Другая причина', 10),
    c('unmarked', 'int', 'Белгіленбеген', 'Без отметки', 10),
    c('rate', 'text', 'Мөлшерлеме', 'Ставка', 18),
    c('amount', 'money', 'Төленетін сома, ₸', 'Сумма к оплате, ₸', 16),
  ],
}

export const REPORT_TITLES: Record<ReportId | TableId, Text> = {
  kindergartens: { kk: 'Мемлекеттік / жеке меншік балабақшалар саны және олардағы орын саны', ru: 'Количество государственных / частных детских садов и мест в них' },
  allocated: { kk: 'Балабақшаларға нақты бөлінген орын саны', ru: 'Фактически выделенные места по детским садам' },
  referrals: { kk: 'Кезеңде берілген жолдамалар', ru: 'Выданные направления за период' },
  queue: { kk: 'Жас санаты (туған жылы) және жеңілдік бойынша кезек', ru: 'Очередь по возрастным категориям (год рождения) и льготам' },
  bulletin: { kk: 'Бос орындар бюллетені (күндер бойынша)', ru: 'Бюллетень освободившихся мест по датам' },
  occupancy: { kk: 'Топтардың толуы (орын, қабылданғандар, бос)', ru: 'Наполняемость групп (места, зачислено, свободно)' },
  movement: { kk: 'Балалар қозғалысы (қабылданды, шықты, себебі)', ru: 'Движение детей (зачислено, выбыло, по причинам)' },
  queue_list: { kk: 'Кезек', ru: 'Очередь' },
  queue_grid: { kk: 'Кезек (сүзгі бойынша)', ru: 'Очередь (по фильтру)' },
  referral_list: { kk: 'Жолдамалар', ru: 'Направления' },
  children_list: { kk: 'Балалар', ru: 'Дети' },
  attendance_funding: { kk: 'Қатысу бойынша қаржыландыру ведомосі', ru: 'Ведомость финансирования по посещаемости' },
}

export const KINDERGARTEN_TYPE_TEXT: Record<KindergartenType, Text> = {
  state: { kk: 'Мемлекеттік', ru: 'Государственный' },
  private: { kk: 'Жеке меншік', ru: 'Частный' },
  private_state_order: { kk: 'Жеке меншік (мемлекеттік тапсырыс)', ru: 'Частный (госзаказ)' },
  sanatorium: { kk: 'Санаториялық', ru: 'Санаторный' },
  special: { kk: 'Арнайы (түзету)', ru: 'Специальный (коррекционный)' },
}

/** Words of the Excel title rows. */
export const EXPORT_TEXT = {
  period: { kk: 'Кезең', ru: 'Период' },
  allTime: { kk: 'барлық уақыт', ru: 'за всё время' },
  filters: { kk: 'Сүзгілер', ru: 'Фильтры' },
  none: { kk: 'жоқ', ru: 'нет' },
  district: { kk: 'аудан', ru: 'район' },
  type: { kk: 'балабақша түрі', ru: 'тип детского сада' },
  language: { kk: 'тілі', ru: 'язык' },
  author: { kk: 'Құрастырған', ru: 'Составил' },
  createdAt: { kk: 'Құрылған уақыты', ru: 'Сформировано' },
} satisfies Record<string, Text>

export function isReportId(v: string): v is ReportId {
  return (REPORT_IDS as readonly string[]).includes(v)
}

/**
 * Rows as both SQL implementations return them (objects keyed by column, identifiers
 * rather than names) → cells in column order, derived columns computed here once.
 */
export function finishRows(id: ReportId | TableId, raw: ReadonlyArray<Record<string, unknown>>): Cell[][] {
  const cols = REPORT_COLUMNS[id]
  const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v))
  return raw.map((r) => {
    const o: Record<string, unknown> = { ...r }
    if (id === 'kindergartens') o['free'] = num(o['places']) - num(o['enrolled'])
    if (id === 'allocated') o['free'] = num(o['places']) - num(o['enrolled']) - num(o['referrals'])
    if (id === 'bulletin' || id === 'occupancy') o['free'] = num(o[id === 'bulletin' ? 'places' : 'capacity']) - num(o[id === 'bulletin' ? 'taken' : 'enrolled'])
    return cols.map((c) => {
      const v = o[c.key]
      if (v === null || v === undefined) return c.type === 'int' ? 0 : null
      if (c.type === 'int') return num(v)
      return String(v)
    })
  })
}

/** Names of the identifiers reports return (kindergartens, groups), in both languages. */
export type NameBook = Record<string, Text>

const LANG_TEXT: Record<string, Text> = { kk: { kk: 'қаз', ru: 'каз' }, ru: { kk: 'орыс', ru: 'рус' } }
const STATUS_TEXT: Record<string, Text> = {
  in_queue: { kk: 'Орын күтілуде', ru: 'В очереди' },
  notified: { kk: 'Хабарлама жіберілді', ru: 'Направлено уведомление' },
  active: { kk: 'Қолданыстағы', ru: 'Действует' },
  arrived: { kk: 'Келді', ru: 'Явился' },
  used: { kk: 'Пайдаланылды', ru: 'Использовано' },
  cancelled: { kk: 'Күші жойылды', ru: 'Аннулировано' },
  revoked: { kk: 'Кері қайтарылды', ru: 'Отозвано' },
  lapsed: { kk: 'Мерзімі өтті', ru: 'Истекло' },
}
const REASON_CELL_TEXT: Record<string, Text> = REASON_TEXT
const ALL_STATUS_TEXT: Record<string, Text> = { ...APPLICATION_STATUS_LABELS, ...REFERRAL_STATUS_LABELS, ...STATUS_TEXT }

/** A cell as a person reads it: identifiers become names, codes become words. */
export function presentCell(column: ReportColumn, value: Cell, lang: 'kk' | 'ru', names: NameBook): Cell {
  if (value === null || typeof value === 'number') return value
  const pick = (t: Record<string, Text>): string => t[value]?.[lang] ?? value
  switch (column.key) {
    case 'type':
      return pick(KINDERGARTEN_TYPE_TEXT)
    case 'kindergarten':
    case 'group':
    case 'district':
      return names[value]?.[lang] ?? value
    case 'language':
      return pick(LANG_TEXT)
    case 'queueType':
      return pick(QUEUE_TYPE_LABELS)
    case 'privilege':
      return pick(PRIVILEGE_LABELS)
    case 'status':
      return pick(ALL_STATUS_TEXT)
    case 'reason':
      return pick(REASON_CELL_TEXT)
    default:
      return value
  }
}
