/**
 * The statistics page end to end in Chromium through the web host, signed in as a clerk
 * over a mirror synced from a real central store (PGlite, demo city): reports as charts
 * (ECharts, loaded lazily) and tables equal to the backend's numbers, filters, the Excel
 * export with its progress and the download, and an invalid period refused. Screens in
 * Kazakh and Russian, each checked with axe (no serious or critical violations).
 */
import { readFileSync } from 'node:fs'
import { expect, test, type Page } from '@playwright/test'
import { noSeriousA11yViolations } from '../helpers/e2e-ui'
import { REPORT_IDS, REPORT_TITLES, presentCell } from '../../src/core/reports'
import { startCentral, until, type Central } from '../sync/helpers'
import { startTestHost, type RunningHost } from '../helpers/web-host'

let central: Central
let running: RunningHost

test.describe.configure({ mode: 'serial' })

test.beforeAll(async () => {
  central = await startCentral('pglite', 600)
  running = await startTestHost({ trustDirs: [central.store.pki.ca.trustDir] })
  await running.backend.invoke('settings.update', { serverUrl: central.url })
  const r = await running.backend.invoke('session.signIn', {
    key: { storage: 'pkcs12', path: central.store.pki.file('clerk-saparova', 'auth'), password: central.store.pki.password },
  })
  if (!r.ok) throw new Error(JSON.stringify(r.error))
  await running.backend.invoke('profile.setEmail', { email: 'saparova@edu.example.kz' })
  await running.backend.invoke('sync.now', {})
  await until(async () => running.backend.invoke('sync.status', {}), (s) => s.ok && s.value.pending === 0 && s.value.lastSyncAt !== null, 60_000)
})
test.afterAll(async () => {
  await running?.stop()
  await central?.close()
})

/** The first page of a report's table (20 rows a page) as the backend's rows read. */
/** Choose a report: its button in the report switcher (a radio group). */
async function pick(page: Page, title: string) {
  await page.locator('label.ant-radio-button-wrapper', { hasText: title }).click()
  await expect(page.getByRole('radio', { name: title })).toBeChecked()
}

async function tableTexts(page: Page, report: string): Promise<string[][]> {
  const rows = page.getByTestId(`report-${report}`).locator('tbody tr.ant-table-row')
  await expect(rows.first()).toBeVisible()
  return rows.evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => (td.textContent ?? '').trim())))
}

async function expected(report: (typeof REPORT_IDS)[number], lang: 'kk' | 'ru', filters = {}): Promise<string[][]> {
  const r = await running.backend.invoke('reports.run', { report, filters })
  if (!r.ok) throw new Error(JSON.stringify(r.error))
  const v = r.value
  return v.rows.slice(0, 20).map((row) =>
    row.map((cell, i) => {
      const c = v.columns[i]!
      const p = presentCell(c, cell, lang, v.names)
      if (p === null || p === '') return '—'
      if (c.type === 'date') return `${String(p).slice(8, 10)}.${String(p).slice(5, 7)}.${String(p).slice(0, 4)}`
      return String(p)
    }),
  )
}

test('statistics: charts and tables equal to the backend, filters, Excel export, both languages, axe', async ({ page }) => {
  test.setTimeout(240_000)
  await page.goto(`${running.host.url}#/statistics`)
  await expect(page.getByRole('heading', { name: 'Статистика және есептер', exact: true })).toBeVisible()
  // the chart is its own chunk, loaded when the page needs it
  await expect(page.getByTestId('report-chart').locator('canvas')).toBeVisible()
  expect(await tableTexts(page, 'kindergartens')).toEqual(await expected('kindergartens', 'kk'))
  await page.screenshot({ path: 'test-results/screens/statistics-kk.png', fullPage: true })
  await noSeriousA11yViolations(page)

  // every report: chart (where it has rows) and the same numbers as the backend
  for (const id of ['allocated', 'referrals', 'queue', 'bulletin', 'occupancy'] as const) {
    await pick(page, REPORT_TITLES[id].kk)
    await expect(page.getByTestId('report-chart')).toBeVisible()
    expect(await tableTexts(page, id), id).toEqual(await expected(id, 'kk'))
  }
  await page.screenshot({ path: 'test-results/screens/statistics-occupancy-kk.png', fullPage: true })

  // filters: the queue in Kazakh-language applications only
  await pick(page, REPORT_TITLES.queue.kk)
  await page.getByLabel('Тәрбиелеу тілі').click()
  await page.getByTitle('Қазақ тілі').click()
  await expect.poll(async () => tableTexts(page, 'queue')).toEqual(await expected('queue', 'kk', { language: 'kk' }))

  // the Excel export: progress, then the finished file to download
  await page.getByRole('button', { name: 'Excel-ге экспорттау' }).click()
  await expect(page.getByRole('status').filter({ hasText: 'Файл сақталды' })).toBeVisible({ timeout: 60_000 })
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Файлды жүктеу' }).click()])
  const file = 'test-results/statistics-queue.xlsx'
  await download.saveAs(file)
  expect(readFileSync(file).subarray(0, 2).toString()).toBe('PK')
  expect(download.suggestedFilename()).toMatch(/^queue-\d{8}-\d{6}\.xlsx$/)
  await noSeriousA11yViolations(page)

  // an invalid period is refused on the spot
  await page.getByLabel('Кезең басы').fill('2026-05-10')
  await page.getByLabel('Кезең соңы').fill('2026-05-01')
  await expect(page.getByRole('alert').filter({ hasText: 'Кезеңнің басы соңынан кейін тұр.' })).toBeVisible()
  await page.getByLabel('Кезең басы').fill('')
  await page.getByLabel('Кезең соңы').fill('')

  // Russian
  await page.getByText('Русский', { exact: true }).first().click()
  await expect(page.locator('html')).toHaveAttribute('lang', 'ru')
  await expect(page.getByRole('heading', { name: 'Статистика и отчёты', exact: true })).toBeVisible()
  await pick(page, REPORT_TITLES.kindergartens.ru)
  await expect(page.getByTestId('report-chart').locator('canvas')).toBeVisible()
  // the language filter (Kazakh groups) stays chosen across the language switch
  expect(await tableTexts(page, 'kindergartens')).toEqual(await expected('kindergartens', 'ru', { language: 'kk' }))
  await page.screenshot({ path: 'test-results/screens/statistics-ru.png', fullPage: true })
  await noSeriousA11yViolations(page)
  await page.getByText('Қазақша', { exact: true }).first().click()
  await expect(page.locator('html')).toHaveAttribute('lang', 'kk')
})
