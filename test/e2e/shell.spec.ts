import { expect, test } from '@playwright/test'
import { noSeriousA11yViolations } from '../helpers/e2e-ui'
import { startTestHost, type RunningHost } from '../helpers/web-host'

let running: RunningHost

test.beforeAll(async () => {
  running = await startTestHost()
})
test.afterAll(async () => {
  await running.stop()
})

test('the shell speaks Kazakh by default, switches to Russian and remembers it', async ({ page }) => {
  await page.goto(`${running.host.url}#/settings`)
  await expect(page.getByRole('heading', { name: 'Баптаулар' })).toBeVisible()
  await expect(page.locator('html')).toHaveAttribute('lang', 'kk')
  await page.screenshot({ path: 'test-results/screens/settings-kk.png', fullPage: true })
  await noSeriousA11yViolations(page)

  await page.getByText('Русский', { exact: true }).first().click()
  await expect(page.getByRole('heading', { name: 'Настройки' })).toBeVisible()
  await expect(page.locator('html')).toHaveAttribute('lang', 'ru')
  await page.screenshot({ path: 'test-results/screens/settings-ru.png', fullPage: true })

  // persisted through the handler table into SQLite, so a reload keeps Russian
  await expect
    .poll(async () => {
      const r = await running.backend.invoke('settings.get', {})
      return r.ok ? r.value.language : null
    })
    .toBe('ru')
  await page.reload()
  await expect(page.getByRole('heading', { name: 'Настройки' })).toBeVisible()

  await page.getByText('Қазақша', { exact: true }).first().click()
  await expect(page.getByRole('heading', { name: 'Баптаулар' })).toBeVisible()
})

test('settings validate as the user types and persist', async ({ page }) => {
  await page.goto(`${running.host.url}#/settings`)
  const url = page.getByLabel('Орталық қойма мекенжайы')
  await url.fill('ftp://example')
  await expect(page.getByText('Орталық қойма мекенжайы http:// немесе https:// деп басталуы керек.')).toBeVisible()
  await url.fill('https://bq.example.kz')
  await expect(page.getByText('Орталық қойма мекенжайы http:// немесе https:// деп басталуы керек.')).toHaveCount(0)
  await page.getByRole('button', { name: 'Модуль қосу' }).click()
  await page.getByLabel('Модуль жолы 5').fill('/opt/kaztoken/libkztoken.so')
  await page.getByRole('button', { name: 'Сақтау' }).click()
  await expect(page.getByText('Баптаулар сақталды')).toBeVisible()
  const r = await running.backend.invoke('settings.get', {})
  expect(r.ok && r.value.serverUrl).toBe('https://bq.example.kz')
  expect(r.ok && r.value.pkcs11Modules.at(-1)).toBe('/opt/kaztoken/libkztoken.so')
})

test('the about page shows versions and the local database path', async ({ page }) => {
  await page.goto(running.host.url)
  await page.getByRole('menuitem', { name: 'Бағдарлама туралы' }).click()
  await expect(page.getByRole('heading', { name: 'Бағдарлама туралы' })).toBeVisible()
  await expect(page.getByTestId('db-path')).toHaveText(running.backend.context.databasePath)
  await expect(page.getByText('Веб-хост (әзірлеу және тестілеу)')).toBeVisible()
  await page.screenshot({ path: 'test-results/screens/about-kk.png', fullPage: true })
  await noSeriousA11yViolations(page)
  await page.getByText('Русский', { exact: true }).first().click()
  await expect(page.getByRole('heading', { name: 'О программе' })).toBeVisible()
  await page.screenshot({ path: 'test-results/screens/about-ru.png', fullPage: true })
  await page.getByText('Қазақша', { exact: true }).first().click()
})

test('the API refuses calls without the per-run token', async ({ request }) => {
  const base = running.host.url.split('/?')[0]
  const res = await request.post(`${base}/api/settings.get`, { data: {} })
  expect(res.status()).toBe(401)
  expect(await res.json()).toEqual({ ok: false, error: { code: 'unauthorized' } })
})
