/**
 * The key dialog offers NCALayer (kk/ru): the key NCALayer's dialog returns is described
 * like a file or token key; NCALayer not running gives a translated reason.
 */
import { expect, test } from '@playwright/test'
import { ensureDemoPki } from '../helpers/demo-pki'
import { startFakeNcaLayer, type FakeNcaLayer } from '../helpers/fake-ncalayer'
import { startTestHost, type RunningHost } from '../helpers/web-host'

let running: RunningHost
let fake: FakeNcaLayer

test.beforeAll(async () => {
  const pki = await ensureDemoPki()
  fake = await startFakeNcaLayer({
    keys: [{ p12: pki.file('solnyshko-head', 'auth'), password: pki.password }],
  })
  // the workstation backend runs in this process (web host): point it at the fake
  process.env.BQ_NCALAYER_URL = fake.url
  running = await startTestHost()
})
test.afterAll(async () => {
  delete process.env.BQ_NCALAYER_URL
  await running?.stop()
  await fake?.close()
})

test('sign-in offers NCALayer; the chosen key is described; NCALayer not running is explained', async ({ page }) => {
  test.setTimeout(90_000)
  await page.goto(`${running.host.url}#/today`)
  await expect(page.getByRole('heading', { name: 'ЭЦҚ арқылы кіру', exact: true })).toBeVisible()
  await page.getByText('NCALayer (ҰКО-ның кез келген кілті', { exact: false }).click()
  await expect(page.getByTestId('ncalayer-help')).toContainText('NCALayer өз терезесінде')
  await expect(page.getByLabel('Кілт құпиясөзі')).toHaveCount(0)
  await page.getByRole('button', { name: 'Кілт туралы мәліметтерді көрсету' }).click()
  const details = page.getByTestId('key-details')
  await expect(details).toContainText('Аутентификация кілті (AUTH)', { timeout: 20_000 })
  await expect(details).toContainText('NCALayer 1.4.0')
  expect(fake.requests.map((r) => r.method)).toEqual(['getActiveTokens', 'getKeyInfo'])
  await page.screenshot({ path: 'test-results/screens/signin-ncalayer-kk.png', fullPage: true })

  await page.getByText('Русский', { exact: true }).first().click()
  await expect(page.getByText('NCALayer (любой ключ НУЦ', { exact: false })).toBeVisible()
  await fake.close()
  await page.getByRole('button', { name: 'Показать сведения о ключе' }).click()
  await expect(page.getByTestId('key-error')).toContainText('NCALayer не запущен или не отвечает', { timeout: 20_000 })
  await page.screenshot({ path: 'test-results/screens/signin-ncalayer-down-ru.png', fullPage: true })
  await page.getByText('Қазақша', { exact: true }).first().click()
  await expect(page.getByTestId('key-error')).toContainText('NCALayer іске қосылмаған')
})
