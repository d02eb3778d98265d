/**
 * The attendance register (табель) PDF from a real local mirror (SQLite file, the `rows`
 * view): the kindergarten's and group's names, the days of the month as columns, a code
 * per mark, totals per child and per day; read back with pdftotext (poppler-utils).
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openLocalDatabase } from '../../src/main/db/open'
import { buildDocument, latestDocumentId } from '../../src/main/documents'
import { tabelFromMirror, tabelRows } from '../../src/main/documents/attendance'
import { workingDaysOfMonth } from '../../src/core/attendance'
import { kzCalendar } from '../../src/core/calendar'

const dir = mkdtempSync(join(tmpdir(), 'bq-tabel-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function mirror() {
  const db = openLocalDatabase(join(dir, `m-${Math.random().toString(36).slice(2)}.sqlite`)).sqlite
  let cursor = 0
  const put = (entity: string, id: string, data: Record<string, unknown>) =>
    db.prepare('INSERT INTO server_rows (entity, id, data, cursor) VALUES (?, ?, ?, ?)').run(entity, id, JSON.stringify({ id, ...data }), ++cursor)
  put('kindergarten', 'kg-1', { name_kk: '№12 «Балдырған» бөбекжайы', name_ru: 'Ясли-сад №12 «Балдырган»', bin: '050312001201' })
  put('group', 'g-1', { kindergarten_id: 'kg-1', name: 'Екінші кіші топ №3' })
  put('enrolment', 'e-1', { kindergarten_id: 'kg-1', group_id: 'g-1', child_name: 'Әбілқасымова Ұлжан', enrolled_at: '2026-01-10T04:00:00Z', departed_at: null })
  put('enrolment', 'e-2', { kindergarten_id: 'kg-1', group_id: 'g-1', child_name: 'Иванов Пётр', enrolled_at: '2026-11-09T04:00:00Z', departed_at: null })
  // another group's child and a child who left before the month are not on the sheet
  put('enrolment', 'e-3', { kindergarten_id: 'kg-1', group_id: 'g-2', child_name: 'Басқа Топ', enrolled_at: '2026-01-10T04:00:00Z', departed_at: null })
  put('enrolment', 'e-4', { kindergarten_id: 'kg-1', group_id: 'g-1', child_name: 'Кеткен Бала', enrolled_at: '2025-01-10T04:00:00Z', departed_at: '2026-10-20T04:00:00Z' })
  const mark = (e: string, date: string, status: string, reason: string | null = null) =>
    put('attendance_mark', `${e}:${date}`, { enrolment_id: e, kindergarten_id: 'kg-1', group_id: 'g-1', date, status, reason })
  for (const d of ['2026-11-09', '2026-11-10', '2026-11-11']) mark('e-1', d, 'present')
  mark('e-1', '2026-11-12', 'absent', 'illness')
  mark('e-1', '2026-11-13', 'absent', 'illness')
  mark('e-2', '2026-11-09', 'present')
  mark('e-2', '2026-11-10', 'absent', 'family_leave')
  mark('e-2', '2026-12-01', 'present')
  put('attendance_month', 'kg-1:2026-11', { kindergarten_id: 'kg-1', month: '2026-11', closed_at: '2026-12-01T05:00:00Z', locked_at: null })
  return db
}

describe('attendance register (табель) PDF', () => {
  it('reads the group and month from the mirror: children of the month, their marks, totals', () => {
    const db = mirror()
    const data = tabelFromMirror(db, 'g-1:2026-11')
    expect(data.groupName).toBe('Екінші кіші топ №3')
    expect(data.children.map((c) => c.name)).toEqual(['Әбілқасымова Ұлжан', 'Иванов Пётр'])
    expect(data.workingDays).toEqual(workingDaysOfMonth(kzCalendar, '2026-11'))
    const { days, rows } = tabelRows(data)
    expect(days).toHaveLength(30)
    const nine = days.indexOf('2026-11-09') + 2
    expect(rows[0]!.slice(nine, nine + 5)).toEqual(['+', '+', '+', 'Б', 'Б'])
    expect(rows[1]!.slice(nine, nine + 2)).toEqual(['+', 'О'])
    // totals per child: attended, absent; per day: attended
    expect(rows[0]!.slice(-2)).toEqual(['3', '2'])
    expect(rows[1]!.slice(-2)).toEqual(['1', '1'])
    expect(rows[2]![nine]).toBe('2')
    expect(rows[2]!.slice(-2)).toEqual(['4', '3'])
    expect(latestDocumentId(db, 'attendance')).toBe('g-1:2026-12')
    db.close()
  })

  it('prints a landscape PDF with the names, the day columns, the codes and the totals in Kazakh and Russian', async () => {
    const db = mirror()
    const doc = await buildDocument(db, 'attendance', 'g-1:2026-11', new Date('2026-12-02T06:00:00Z'))
    db.close()
    expect(doc.fileName).toBe('attendance-g-1-2026-11.pdf')
    const file = join(dir, doc.fileName)
    writeFileSync(file, doc.bytes)
    const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' })
    expect(info).toMatch(/Page size:\s+841\.89 x 595\.28/)
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' })
    for (const s of ['ҚАТЫСУ ТАБЕЛІ', 'ТАБЕЛЬ ПОСЕЩАЕМОСТИ', '№12 «Балдырған» бөбекжайы', 'Ясли-сад №12 «Балдырган»', 'Екінші кіші топ №3', 'қараша 2026 / ноябрь 2026', 'Әбілқасымова Ұлжан', 'Иванов Пётр', 'Барлығы / Итого', 'ауру / болезнь', 'Жабылды']) {
      expect(text, s).toContain(s)
    }
    const line = text.split('\n').find((l) => l.includes('Әбілқасымова'))!
    expect(line.replace(/\s+/g, ' ')).toMatch(/\+ \+ \+ Б Б 3 2$/)
    expect(text).not.toContain('Басқа Топ')
    expect(text).not.toContain('Кеткен Бала')
  })

  it('refuses an id that is not <group>:<month> or a group the mirror does not hold', async () => {
    const db = mirror()
    await expect(buildDocument(db, 'attendance', 'g-1')).rejects.toMatchObject({ code: 'not_found' })
    await expect(buildDocument(db, 'attendance', 'nope:2026-11')).rejects.toMatchObject({ code: 'not_found' })
    db.close()
  })
})
