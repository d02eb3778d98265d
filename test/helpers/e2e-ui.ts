/**
 * Steps the Chromium end-to-end specs share: the axe check (no serious or critical
 * violation, after animations settle), a screen captured and checked in Kazakh and then
 * Russian, hash navigation, and filling a PKCS#12 key form.
 */
import { expect, type Page } from '@playwright/test'
import AxeBuilder from '@axe-core/playwright'

/** axe on the page (or only the open dialog): no serious or critical violation. */
export async function noSeriousA11yViolations(page: Page, dialog = false) {
  // let open/close animations finish: a half-faded dialog fails colour contrast
  await expect(
    page
      .locator('[class*="-appear-active"], [class*="-enter-active"], [class*="-leave-active"]')
      .filter({ visible: true }),
  ).toHaveCount(0)
  // and transient toasts go (a fading one fails colour contrast too)
  await expect(page.locator('.ant-message-notice')).toHaveCount(0, { timeout: 15_000 })
  const builder = new AxeBuilder({ page })
  if (dialog) builder.include('.ant-modal-wrap')
  const result = await builder.analyze()
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  expect(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual(
    [],
  )
}

/** Screenshot and axe in Kazakh, then in Russian, back to Kazakh. */
export async function screen(page: Page, name: string, ruHeading?: string) {
  await page.screenshot({ path: `test-results/screens/${name}-kk.png`, fullPage: true })
  await noSeriousA11yViolations(page)
  await page.getByText('Русский', { exact: true }).first().click()
  await expect(page.locator('html')).toHaveAttribute('lang', 'ru')
  if (ruHeading) await expect(page.getByRole('heading', { name: ruHeading }).first()).toBeVisible()
  await page.screenshot({ path: `test-results/screens/${name}-ru.png`, fullPage: true })
  await noSeriousA11yViolations(page)
  await page.getByText('Қазақша', { exact: true }).first().click()
  await expect(page.locator('html')).toHaveAttribute('lang', 'kk')
}

export async function go(page: Page, route: string) {
  await page.evaluate(
    (r) => ((globalThis as unknown as { location: { hash: string } }).location.hash = r),
    `/${route}`,
  )
}

export async function fillKey(
  scope: ReturnType<Page['locator']> | Page,
  file: string,
  password: string,
) {
  await scope.getByLabel('Кілт файлының жолы (.p12)').fill(file)
  await scope.getByLabel('Кілт құпиясөзі').fill(password)
}

/**
 * The test store's clock stands still (ManualClock) while the workstation signs with the
 * real time; a spec that runs for minutes would have its later signatures refused as
 * `eds_signing_time_future`. Moved up to the real time (never back) before each test.
 */
export function storeClockToNow(central: {
  store: { clock: { now(): Date; set(d: Date): void } }
}): void {
  if (central.store.clock.now().getTime() < Date.now()) central.store.clock.set(new Date())
}
