/**
 * The attendance funding sheet's Excel file (issue 11), written by the export worker's
 * writer from the sheet the backend computed: the title block and header of every export,
 * each district's kindergartens then its total, the sheet's total, names for identifiers,
 * amounts as numbers in tenge; read back with exceljs.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import ExcelJS from 'exceljs'
import { afterAll, describe, expect, it } from 'vitest'
import { openLocalDatabase } from '../../src/main/db/open'
import { fundingCells } from '../../src/main/reports/handlers'
import { HEADER_ROW, writeExport } from '../../src/main/reports/xlsx'
import { REPORT_COLUMNS } from '../../src/core/reports'
import type { AttendanceFunding, AttendanceFundingTotals } from '../../src/main/api/contract'

const dir = mkdtempSync(join(tmpdir(), 'bq-funding-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const totals = (children: number, attended: number, illness: number, amountTiyn: number | null): AttendanceFundingTotals => ({
  children,
  expected: attended + illness + 1,
  attended,
  absent: { illness, family_leave: 0, summer_leave: 0, quarantine: 0, other: 0 },
  unmarked: 1,
  amountTiyn,
})

const sheet: AttendanceFunding = {
  month: '2026-11',
  workingDays: 20,
  rows: [
    { ...totals(2, 7, 2, 1_050_000), kindergartenId: 'kg-1', kindergartenName: { kk: 'Балдырған', ru: 'Балдырган' }, kindergartenType: 'state', districtId: 'almaly', month: '2026-11', workingDays: 20, rate: { unit: 'day', amountTenge: 1500 } },
    { ...totals(1, 3, 0, null), kindergartenId: 'kg-2', kindergartenName: { kk: 'Айгөлек', ru: 'Айгөлек' }, kindergartenType: 'private_state_order', districtId: 'bostandyk', month: '2026-11', workingDays: 20, rate: null },
  ],
  districts: [
    { districtId: 'almaly', totals: totals(2, 7, 2, 1_050_000) },
    { districtId: 'bostandyk', totals: totals(1, 3, 0, 0) },
  ],
  totals: totals(3, 10, 2, 1_050_000),
}

describe('funding sheet export', () => {
  it('writes each district, its total and the sheet total, with names, numbers and tenge', async () => {
    const dbPath = join(dir, 'mirror.sqlite')
    const db = openLocalDatabase(dbPath).sqlite
    const put = (entity: string, id: string, data: Record<string, unknown>) => db.prepare('INSERT INTO server_rows (entity, id, data, cursor) VALUES (?, ?, ?, 1)').run(entity, id, JSON.stringify({ id, ...data }))
    put('kindergarten', 'kg-1', { name_kk: '№12 «Балдырған» бөбекжайы', name_ru: 'Ясли-сад №12 «Балдырган»' })
    put('kindergarten', 'kg-2', { name_kk: '№45 «Айгөлек» балабақшасы', name_ru: 'Детский сад №45 «Айгөлек»' })
    put('district', 'almaly', { name_kk: 'Алмалы ауданы', name_ru: 'Алмалинский район' })
    db.close()
    for (const lang of ['kk', 'ru'] as const) {
      const file = join(dir, `funding-${lang}.xlsx`)
      const cells = fundingCells(sheet, lang)
      const r = await writeExport(
        { dbPath, id: 'attendance_funding', filters: {}, lang, author: 'Сапарова Айгерім', createdAt: '2026-12-08T04:00:00Z', tmpPath: file, computed: { ...cells, describe: '', period: lang === 'kk' ? 'ай 11.2026' : 'месяц 11.2026' } },
        () => undefined,
        () => false,
      )
      expect(r).toEqual({ rows: 5, cancelled: false })
      const wb = new ExcelJS.Workbook()
      await wb.xlsx.readFile(file)
      const ws = wb.worksheets[0]!
      expect(ws.getCell('A1').value).toBe(lang === 'kk' ? 'Қатысу бойынша қаржыландыру ведомосі' : 'Ведомость финансирования по посещаемости')
      expect(ws.getCell('A2').value).toBe(lang === 'kk' ? 'Кезең: ай 11.2026' : 'Период: месяц 11.2026')
      const header = ws.getRow(HEADER_ROW).values as unknown[]
      expect(header.slice(1)).toEqual(REPORT_COLUMNS.attendance_funding.map((c) => c.title[lang]))
      const row = (n: number) => (ws.getRow(HEADER_ROW + n).values as unknown[]).slice(1)
      // the rate is written as the locale spells the number (kk-KZ / ru-RU group with a no-break space)
      const first = row(1).map((v, i) => (i === 13 ? String(v).replace(/\s/g, ' ') : v))
      expect(first).toEqual([
        lang === 'kk' ? 'Алмалы ауданы' : 'Алмалинский район',
        lang === 'kk' ? '№12 «Балдырған» бөбекжайы' : 'Ясли-сад №12 «Балдырган»',
        lang === 'kk' ? 'Мемлекеттік' : 'Государственный',
        2, 20, 10, 7, 2, 0, 0, 0, 0, 1,
        lang === 'kk' ? '1 500 ₸ / күн' : '1 500 ₸ / день',
        10500,
      ])
      expect(row(2)[1]).toBe(lang === 'kk' ? 'Аудан бойынша барлығы' : 'Итого по району')
      expect(ws.getRow(HEADER_ROW + 2).getCell(1).font?.bold).toBe(true)
      expect(row(3)[0]).toBe('bostandyk')
      expect(row(3)[14]).toBeUndefined()
      expect(row(5)[1]).toBe(lang === 'kk' ? 'Барлығы' : 'Всего')
      expect(row(5).slice(3, 8)).toEqual([3, 20, 13, 10, 2])
      expect(row(5)[14]).toBe(10500)
      expect(ws.getRow(HEADER_ROW + 1).getCell(15).numFmt).toBe('#,##0.00')
    }
  })
})
