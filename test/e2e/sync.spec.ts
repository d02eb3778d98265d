/**
 * The status bar and the sync problems list, in Chromium through the web host, with a
 * real central store: online state, a refused action listed with its translated reason,
 * dismissed by the user.
 */
import { expect, test } from '@playwright/test'
import { startCentral, until, type Central } from '../sync/helpers'
import { startTestHost, type RunningHost } from '../helpers/web-host'

let central: Central
let running: RunningHost

test.beforeAll(async () => {
  central = await startCentral('pglite')
  running = await startTestHost({ trustDirs: [central.store.pki.ca.trustDir] })
  await running.backend.invoke('settings.update', { serverUrl: central.url })
  const r = await running.backend.invoke('session.signIn', {
    key: { storage: 'pkcs12', path: central.store.pki.file('baldyrgan-head', 'auth'), password: central.store.pki.password },
  })
  if (!r.ok) throw new Error(JSON.stringify(r.error))
})
test.afterAll(async () => {
  await running?.stop()
  await central?.close()
})

test('the status bar shows the sync state, and a refused action can be read and dismissed', async ({ page }) => {
  await page.goto(running.host.url)
  const bar = page.getByTestId('status-bar')
  await expect(bar.getByText('Желіде')).toBeVisible()
  await expect(page.getByTestId('status-problems')).toHaveText('Мәселелер: 0')

  // an action the central store refuses: capacity below the occupied places
  const groups = await running.backend.invoke('groups.list', {})
  if (!groups.ok) throw new Error('groups')
  const g = groups.value[0]!
  await running.backend.context.session.enqueue('vacancy.publish', { vacancyId: 'v-e2e-1', groupId: g.id, places: 1, birthYears: g.birthYears }, [])
  await until(async () => running.backend.invoke('sync.status', {}), (s) => s.ok && s.value.pending === 0)
  await running.backend.invoke('groups.setCapacity', { groupId: g.id, capacity: g.enrolled })
  await expect(page.getByTestId('status-problems')).toHaveText('Мәселелер: 1', { timeout: 15_000 })

  await page.getByTestId('status-problems').click()
  await expect(page.getByRole('heading', { name: 'Синхрондау мәселелері' })).toBeVisible()
  await expect(page.getByText('Топтың орын санын өзгерту')).toBeVisible()
  await page.screenshot({ path: 'test-results/screens/problems-kk.png', fullPage: true })
  await page.getByText('Русский', { exact: true }).first().click()
  await expect(page.getByRole('heading', { name: 'Проблемы синхронизации' })).toBeVisible()
  await expect(page.getByText('Изменение числа мест в группе')).toBeVisible()
  await expect(page.getByTestId('status-bar').getByText('В сети')).toBeVisible()
  await page.screenshot({ path: 'test-results/screens/problems-ru.png', fullPage: true })
  await page.getByRole('button', { name: 'Закрыть' }).click()
  await expect(page.getByTestId('status-problems')).toHaveText('Проблем: 0')
  await expect(page.getByText('Проблем нет')).toBeVisible()
  await page.getByText('Қазақша', { exact: true }).first().click()
})
