/**
 * Yearly operations end to end (domain.md "Yearly cycle", rules Y-1..Y-9), in Chromium
 * through the web host against a real central store (PGlite, demo city, demo PKI keys):
 * the clerk opens "Yearly operations", each card's dry run (computed on the mirror) equals
 * the store's own dry run, the clerk runs the regrouping, opens the re-confirmation
 * campaign and pauses the bulletin, each signed in the key dialog; the history then shows
 * the numbers the store applied, equal to the previews, and the store holds what they say
 * (archived school-age applications, the parents' notices). A kindergarten employee then
 * sees the pause on the bulletin page and a publication is refused with a translated
 * message. Screens in Kazakh and Russian, with axe.
 */
import { expect, test, type Page } from '@playwright/test'
import { fillKey, go, noSeriousA11yViolations, screen, storeClockToNow } from '../helpers/e2e-ui'
import { startCentral, until, type Central } from '../sync/helpers'
import { staffClient } from '../server/helpers'
import { startTestHost, type RunningHost } from '../helpers/web-host'

let central: Central
let running: RunningHost
let movedApp: string

test.describe.configure({ mode: 'serial' })

test.beforeEach(() => storeClockToNow(central))
test.beforeAll(async () => {
  test.setTimeout(180_000)
  central = await startCentral('pglite')
  running = await startTestHost({ trustDirs: [central.store.pki.ca.trustDir] })
  await running.backend.invoke('settings.update', { serverUrl: central.url })
  // one application recorded in the wrong cohort (a corrected birth date): the regrouping moves it
  const rows = await central.query<{ id: string }>(
    `select a.id from applications a join children c on c.id = a.child_id
      where a.region_id = 'almaty' and a.status = 'in_queue' and extract(year from c.birth_date) >= extract(year from now()) - 3
      order by a.id limit 1`,
  )
  movedApp = rows[0]!.id
  await central.query(`update applications set birth_year = birth_year - 1 where id = $1`, [
    movedApp,
  ])
  // the mirror has not pulled yet: its feed row says the same (as a corrected row would)
  await central.query(
    `update change_log set data = (data::jsonb || jsonb_build_object('birth_year', (data::jsonb->>'birth_year')::int - 1))::json
      where entity = 'application' and entity_id = $1`,
    [movedApp],
  )
})
test.afterAll(async () => {
  await running?.stop()
  await central?.close()
})

const pki = () => central.store.pki
const keyFile = (person: string, purpose: 'auth' | 'sign') => pki().file(person, purpose)

async function synced() {
  await until(
    async () => running.backend.invoke('sync.status', {}),
    (s) => s.ok && s.value.pending === 0 && s.value.state === 'online',
    60_000,
  )
  await running.backend.invoke('sync.now', {})
}

async function signInThroughUi(page: Page, person: string, email: string) {
  await page.goto(running.host.url)
  await expect(page.getByRole('heading', { name: 'ЭЦҚ арқылы кіру', exact: true })).toBeVisible()
  await fillKey(page, keyFile(person, 'auth'), pki().password)
  await page.getByTestId('key-submit').click()
  await expect(page.getByTestId('signed-in-as')).toBeVisible({ timeout: 30_000 })
  const emailForm = page.getByTestId('first-email-form')
  await expect(emailForm).toBeVisible()
  await emailForm.getByLabel('Электрондық пошта').fill(email)
  await emailForm.getByRole('button', { name: 'Сақтау' }).click()
  await expect(emailForm).toHaveCount(0)
  await synced()
}

async function signDialog(page: Page, person: string) {
  const dialog = page.getByRole('dialog')
  await fillKey(dialog, keyFile(person, 'sign'), pki().password)
  await dialog.getByTestId('key-submit').click()
}

async function storePreview(token: string, kind: string): Promise<any> {
  const r = await central
    .server()
    .app.inject({
      method: 'GET',
      url: `/v1/yearly/preview?kind=${kind}&regionId=almaty`,
      headers: { authorization: `Bearer ${token}` },
    })
  expect(r.statusCode).toBe(200)
  return r.json()
}

const numberOf = async (page: Page, id: string) =>
  Number((await page.getByTestId(id).innerText()).replace(/\D/g, ''))

test('clerk: previews and runs the regrouping, the re-confirmation campaign and the bulletin pause', async ({
  page,
}) => {
  test.setTimeout(360_000)
  const clerk = await staffClient(central.store, 'clerk-saparova')
  await signInThroughUi(page, 'clerk-saparova', 'saparova@edu.kz')
  await page.getByRole('menuitem', { name: 'Жылдық операциялар' }).click()
  await expect(page.getByRole('heading', { name: 'Жылдық операциялар', exact: true })).toBeVisible()
  await expect(page.getByTestId('yearly-regroup')).toBeVisible({ timeout: 30_000 })

  // regroup: the mirror's dry run = the store's dry run
  const regroup = await storePreview(clerk.token, 'regroup')
  expect(regroup.moved).toBeGreaterThanOrEqual(1)
  await expect(page.getByTestId('yearly-regroup-moved')).toHaveText(String(regroup.moved))
  await expect(page.getByTestId('yearly-regroup-toschool')).toHaveText(String(regroup.toSchool))
  const cohortRows = page.getByTestId('yearly-regroup').locator('tbody tr.ant-table-row')
  await expect(cohortRows).toHaveCount(regroup.cohorts.length)
  for (const [i, c] of (regroup.cohorts as Array<Record<string, number>>).entries())
    await expect(cohortRows.nth(i).locator('td')).toHaveText(
      [c['birthYear'], c['before'], c['movedIn'], c['movedOut'], c['toSchool'], c['after']].map(
        String,
      ),
    )
  await screen(page, 'yearly', 'Ежегодные операции')

  await page.getByTestId('yearly-run-regroup').click()
  await expect(page.getByTestId('sign-summary')).toContainText(`${regroup.moved}`)
  await noSeriousA11yViolations(page, true)
  await page.screenshot({ path: 'test-results/screens/yearly-sign-kk.png' })
  await signDialog(page, 'clerk-saparova')
  await expect(page.getByText('Қайта топтауға қол қойылып, жіберілді').first()).toBeVisible({
    timeout: 30_000,
  })
  await synced()
  await expect(page.getByTestId('yearly-history-regroup').first()).toHaveText(
    `ауысты: ${regroup.moved}, мектепке: ${regroup.toSchool}`,
    { timeout: 30_000 },
  )
  const archived = await central.query<{ n: number }>(
    `select count(*)::int as n from applications where status = 'archived' and status_reason = 'school_age'`,
  )
  expect(archived[0]!.n).toBe(regroup.toSchool)
  const moved = await central.query<{ birth_year: number; y: number }>(
    `select a.birth_year, extract(year from c.birth_date)::int as y from applications a join children c on c.id = a.child_id where a.id = $1`,
    [movedApp],
  )
  expect(moved[0]!.birth_year).toBe(moved[0]!.y)
  // nothing more to move
  await expect(page.getByTestId('yearly-regroup-moved')).toHaveText('0')
  await expect(page.getByTestId('yearly-regroup-toschool')).toHaveText('0')

  // the campaign: the parents of the applications asked are told
  const campaign = await storePreview(clerk.token, 'campaign')
  expect(campaign.toInactive).toBeGreaterThan(0)
  await expect(page.getByTestId('yearly-campaign-toinactive')).toHaveText(
    String(campaign.toInactive),
  )
  await expect(page.getByTestId('yearly-campaign-asked')).toHaveText(String(campaign.asked))
  await page.getByTestId('yearly-run-campaign').click()
  await expect(page.getByTestId('yearly-deadline')).toBeVisible()
  await noSeriousA11yViolations(page, true)
  await signDialog(page, 'clerk-saparova')
  await expect(page.getByText('Науқанға қол қойылып, жіберілді').first()).toBeVisible({
    timeout: 30_000,
  })
  await synced()
  await expect(page.getByTestId('yearly-campaign-open')).toBeVisible({ timeout: 30_000 })
  await expect(page.getByTestId('yearly-history-campaign_open').first()).toContainText(
    `расталмаған: ${campaign.toInactive}`,
    { timeout: 30_000 },
  )
  const told = await central.query<{ n: number }>(
    `select count(*)::int as n from notifications_outbox where event = 'interest_campaign_opened'`,
  )
  expect(told[0]!.n).toBe(campaign.toInactive)
  await expect(page.getByTestId('yearly-campaign-toinactive')).toHaveText(
    String(campaign.toInactive),
  )

  // the bulletin pause
  const pause = await storePreview(clerk.token, 'pause')
  expect(pause.bulletin.paused).toBe(false)
  await expect(page.getByTestId('yearly-pause-vacancies')).toHaveText(String(pause.openVacancies))
  await page.getByTestId('yearly-run-pause').click()
  await signDialog(page, 'clerk-saparova')
  await expect(page.getByText('Тоқтатуға қол қойылып, жіберілді').first()).toBeVisible({
    timeout: 30_000,
  })
  await synced()
  await expect(page.getByTestId('yearly-pause-state')).toHaveAttribute('data-paused', 'yes')
  await expect(page.getByTestId('yearly-history-bulletin_pause').first()).toHaveText(
    `бюллетеньдегі орындар: ${pause.openVacancies}`,
    { timeout: 30_000 },
  )
  expect((await storePreview(clerk.token, 'pause')).bulletin.paused).toBe(true)
  expect(await numberOf(page, 'yearly-pause-vacancies')).toBe(pause.openVacancies)
  await screen(page, 'yearly-after', 'Ежегодные операции')
  const audit = await central.query<{ type: string }>(
    `select type from audit_log where type in ('yearly.regroup', 'interest.campaign_open', 'bulletin.pause') order by type`,
  )
  expect(audit.map((a) => a.type)).toEqual([
    'bulletin.pause',
    'interest.campaign_open',
    'yearly.regroup',
  ])
})

test('staff: the paused bulletin is shown and a publication is refused with a translated message', async ({
  page,
}) => {
  test.setTimeout(240_000)
  await running.backend.invoke('session.signOut', {})
  await signInThroughUi(page, 'baldyrgan-head', 'head@baldyrgan.kz')
  await go(page, 'bulletin?group=kg-baldyrgan-g3')
  await expect(
    page.getByRole('heading', { name: 'Бос орындар бюллетені', exact: true }),
  ).toBeVisible()
  await expect(page.getByTestId('bulletin-paused')).toContainText('тоқтатты', { timeout: 30_000 })
  await page.getByRole('spinbutton', { name: 'Орын саны' }).fill('1')
  await page.getByTestId('publish-submit').click()
  await expect(page.getByText(/жариялауды тоқтатты/).last()).toBeVisible()
  await screen(page, 'bulletin-paused', 'Бюллетень свободных мест')
})
