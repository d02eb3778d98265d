/**
 * The attendance register (табель, issue 11) of one group and month as a landscape A4
 * PDF: the kindergarten's and group's names, the days of the month as columns (days off
 * greyed), one row per child with a code per day, totals per child (attended, absent)
 * and per day (attended). Bilingual like every document here: "Kazakh / Russian".
 */
import type Database from 'better-sqlite3'
import { monthBounds, workingDaysOfMonth, type AbsenceReason } from '../../core/attendance'
import { AppError } from '../../core/result'
import { mirrorCalendar } from '../handlers/calendar'
import { DocWriter, type TableColumn } from './render'

/** One code per mark (the legend under the table names them in both languages). */
export const ATTENDANCE_CODES: Record<'present' | AbsenceReason, string> = {
  present: '+',
  illness: 'Б',
  family_leave: 'О',
  summer_leave: 'Ж',
  quarantine: 'К',
  other: 'Н',
}

const LEGEND: Array<[keyof typeof ATTENDANCE_CODES, string]> = [
  ['present', 'келді / присутствовал'],
  ['illness', 'ауру / болезнь'],
  ['family_leave', 'отбасылық демалыс / семейный отпуск'],
  ['summer_leave', 'жазғы демалыс / летний отпуск'],
  ['quarantine', 'карантин / карантин'],
  ['other', 'басқа себеп / другая причина'],
]

const MONTHS: Array<[string, string]> = [
  ['қаңтар', 'январь'],
  ['ақпан', 'февраль'],
  ['наурыз', 'март'],
  ['сәуір', 'апрель'],
  ['мамыр', 'май'],
  ['маусым', 'июнь'],
  ['шілде', 'июль'],
  ['тамыз', 'август'],
  ['қыркүйек', 'сентябрь'],
  ['қазан', 'октябрь'],
  ['қараша', 'ноябрь'],
  ['желтоқсан', 'декабрь'],
]

export interface TabelMark {
  status: 'present' | 'absent'
  reason?: AbsenceReason | string | null
}

export interface TabelData {
  kindergarten: { nameKk: string; nameRu: string; bin: string | null } | null
  groupName: string
  /** YYYY-MM */
  month: string
  /** state of the month as the mirror knows it, in words (both languages) */
  stateText?: string | null
  /** working days of the month (YYYY-MM-DD); the other days are greyed */
  workingDays: string[]
  children: Array<{ name: string; marks: Record<string, TabelMark> }>
}

/** A mark's code: '+' present, a letter per absence reason. */
export function markCode(m: TabelMark | undefined): string {
  if (!m) return ''
  if (m.status === 'present') return ATTENDANCE_CODES.present
  const r = m.reason as AbsenceReason | undefined
  return (r && ATTENDANCE_CODES[r]) || ATTENDANCE_CODES.other
}

/** "қараша 2026 / ноябрь 2026" */
export function monthTitle(month: string): string {
  const [y, m] = month.split('-')
  const [kk, ru] = MONTHS[Number(m) - 1] ?? ['', '']
  return `${kk} ${y} / ${ru} ${y}`
}

function daysOf(month: string): string[] {
  const [y, m] = month.split('-').map(Number) as [number, number]
  const n = new Date(Date.UTC(y, m, 0)).getUTCDate()
  return Array.from({ length: n }, (_v, i) => `${month}-${String(i + 1).padStart(2, '0')}`)
}

/** The table's cells: one row per child then the totals row; used by the PDF and its test. */
export function tabelRows(data: TabelData): { days: string[]; rows: string[][] } {
  const days = daysOf(data.month)
  const rows: string[][] = []
  const perDay = days.map(() => 0)
  let allPresent = 0
  let allAbsent = 0
  for (const [i, c] of data.children.entries()) {
    let present = 0
    let absent = 0
    const cells = days.map((d, k) => {
      const m = c.marks[d]
      if (m?.status === 'present') {
        present++
        perDay[k]!++
      } else if (m?.status === 'absent') absent++
      return markCode(m)
    })
    allPresent += present
    allAbsent += absent
    rows.push([String(i + 1), c.name, ...cells, String(present), String(absent)])
  }
  rows.push(['', 'Барлығы / Итого', ...perDay.map((n, k) => (data.workingDays.includes(days[k]!) ? String(n) : '')), String(allPresent), String(allAbsent)])
  return { days, rows }
}

export async function renderTabel(data: TabelData, printedAt: string): Promise<Uint8Array> {
  const title = `Қатысу табелі / Табель посещаемости: ${data.groupName}, ${monthTitle(data.month)}`
  const w = await DocWriter.create(title, { landscape: true })
  w.centre('БАЛАЛАРДЫҢ ҚАТЫСУ ТАБЕЛІ / ТАБЕЛЬ ПОСЕЩАЕМОСТИ ДЕТЕЙ', 13)
  w.text(`Мектепке дейінгі ұйым / Дошкольная организация: ${data.kindergarten ? `${data.kindergarten.nameKk} / ${data.kindergarten.nameRu}` : '—'}${data.kindergarten?.bin ? ` (БСН / БИН ${data.kindergarten.bin})` : ''}`, 10)
  w.text(`Топ / Группа: ${data.groupName}`, 10)
  w.text(`Ай / Месяц: ${monthTitle(data.month)}${data.stateText ? `. ${data.stateText}` : ''}`, 10, 8)
  const { days, rows } = tabelRows(data)
  const dayW = Math.min(17, (w.width - 18 - 120 - 68) / days.length)
  const columns: TableColumn[] = [
    { title: '№', width: 18, align: 'center' },
    { title: 'Баланың аты-жөні\nФамилия, имя ребёнка', width: w.width - 18 - 68 - dayW * days.length },
    ...days.map((d) => ({ title: String(Number(d.slice(8))), width: dayW, align: 'center' as const })),
    { title: 'Келді\nБыл', width: 32, align: 'center' },
    { title: 'Келмеді\nНе был', width: 36, align: 'center' },
  ]
  const working = new Set(data.workingDays)
  w.table(columns, rows, { size: 7, bold: new Set([rows.length - 1]), shade: (_r, col) => col >= 2 && col < 2 + days.length && !working.has(days[col - 2]!) })
  w.text(`Белгілер / Обозначения: ${LEGEND.map(([k, t]) => `${ATTENDANCE_CODES[k]}: ${t}`).join('; ')}. Сұр бағандар: демалыс күндері / Серые столбцы: выходные дни.`, 8, 6)
  w.text('Тәрбиеші / Воспитатель: ____________________        Басшы / Руководитель: ____________________', 9, 4)
  w.footer(printedAt)
  return w.bytes()
}

// ---- from the local mirror --------------------------------------------------------------

type Row = Record<string, unknown>

/**
 * The табель of `<groupId>:<YYYY-MM>` from the mirror (the `rows` view, pending marks
 * included): the group's enrolments that overlap the month, their marks of the month
 * (entity `attendance_mark`), the calendar in use and the month's state.
 */
export function tabelFromMirror(db: Database.Database, id: string): TabelData {
  const m = /^(.+):(\d{4}-(0[1-9]|1[0-2]))$/.exec(id)
  if (!m) throw new AppError('not_found', { what: 'attendance', id })
  const groupId = m[1]!
  const month = m[2]!
  const one = (entity: string, key: string): Row | null => {
    const r = db.prepare('SELECT data FROM rows WHERE entity = ? AND id = ?').get(entity, key) as { data: string } | undefined
    return r ? (JSON.parse(r.data) as Row) : null
  }
  const group = one('group', groupId)
  if (!group) throw new AppError('not_found', { what: 'group', id: groupId })
  const kgId = String(group['kindergarten_id'] ?? '')
  const kg = one('kindergarten', kgId)
  const { first, last } = monthBounds(month)
  const day = (v: unknown): string | null => (v ? new Date(new Date(String(v)).getTime() + 5 * 3600_000).toISOString().slice(0, 10) : null)
  const enrolments = (db.prepare("SELECT data FROM rows WHERE entity = 'enrolment' AND json_extract(data, '$.group_id') = ?").all(groupId) as Array<{ data: string }>)
    .map((r) => JSON.parse(r.data) as Row)
    .filter((e) => {
      const from = day(e['enrolled_at'])
      const to = day(e['departed_at'])
      return from !== null && from <= last && (to === null || to >= first)
    })
  const marks = new Map<string, Record<string, TabelMark>>()
  for (const r of db
    .prepare("SELECT data FROM rows WHERE entity = 'attendance_mark' AND json_extract(data, '$.date') BETWEEN ? AND ?")
    .all(first, last) as Array<{ data: string }>) {
    const d = JSON.parse(r.data) as Row
    const e = String(d['enrolment_id'])
    let own = marks.get(e)
    if (!own) marks.set(e, (own = {}))
    own[String(d['date'])] = { status: d['status'] === 'present' ? 'present' : 'absent', reason: (d['reason'] as string | null) ?? null }
  }
  const monthRow = one('attendance_month', `${kgId}:${month}`)
  const state = monthRow?.['locked_at'] ? 'locked' : monthRow?.['closed_at'] ? 'closed' : 'open'
  return {
    kindergarten: kg ? { nameKk: String(kg['name_kk'] ?? kg['name_ru'] ?? kgId), nameRu: String(kg['name_ru'] ?? kg['name_kk'] ?? kgId), bin: (kg['bin'] as string | null) ?? null } : null,
    groupName: String(group['name'] ?? groupId),
    month,
    stateText: STATE_TEXT[state],
    workingDays: workingDaysOfMonth(mirrorCalendar(db), month),
    children: enrolments
      .map((e) => ({ name: String(e['child_name'] ?? e['child_id'] ?? e['id']), marks: marks.get(String(e['id'])) ?? {} }))
      .sort((a, b) => a.name.localeCompare(b.name, 'kk')),
  }
}

const STATE_TEXT: Record<'open' | 'closed' | 'locked', string> = {
  open: 'Ашық / Открыт',
  closed: 'Жабылды, ата-аналардың растауы күтілуде / Закрыт, ожидает подтверждения родителей',
  locked: 'Бекітілді / Заблокирован',
}
