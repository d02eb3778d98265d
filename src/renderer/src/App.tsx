import { useEffect, useRef, useState } from 'react'
import { App as AntApp, Alert, Button, ConfigProvider, Layout, Menu, Segmented, Spin, Typography } from 'antd'
import kkKZ from 'antd/locale/kk_KZ'
import ruRU from 'antd/locale/ru_RU'
import { useTranslation } from 'react-i18next'
import type { Language } from '../../main/api/contract'
import { useApi, useApiMutation } from './api'
import { SettingsPage } from './pages/SettingsPage'
import { AboutPage } from './pages/AboutPage'
import { ProblemsPage } from './pages/ProblemsPage'
import { StatusBar } from './components/StatusBar'
import { LoadError } from './components/LoadError'
import { SignInPage } from './pages/SignInPage'
import { TodayPage } from './pages/TodayPage'
import { GroupsPage } from './pages/GroupsPage'
import { BulletinPage } from './pages/BulletinPage'
import { BidsPage } from './pages/BidsPage'
import { ReferralsPage } from './pages/ReferralsPage'
import { ContractsPage } from './pages/ContractsPage'
import { ChildrenPage } from './pages/ChildrenPage'
import { JournalPage } from './pages/JournalPage'
import { AttendancePage } from './pages/AttendancePage'
import { AttendanceOfficePage } from './pages/AttendanceOfficePage'
import { StatisticsPage } from './pages/StatisticsPage'
import { QueuePage } from './pages/QueuePage'
import { ApplicationPage } from './pages/ApplicationPage'
import { ReviewPage } from './pages/ReviewPage'
import { CalendarPage } from './pages/CalendarPage'
import { YearlyPage } from './pages/YearlyPage'
import { BulletinOverviewPage, KindergartenPassportPage, ReferralListPage, RegistryPage } from './pages/RegistryPage'
import { currentRoute } from './components/nav'
import { FirstSignInEmail } from './components/FirstSignInEmail'
import { UpdateBanner } from './components/UpdateBanner'

/** Ant Design's default secondary text greys fail WCAG AA contrast; darken them. */
const THEME = {
  token: {
    colorPrimary: '#0f6cbd',
    colorError: '#b42318',
    // antd derives a lighter hover (#3087c9): white text on it is 3.9:1, below WCAG AA
    colorPrimaryHover: '#0b5ea6',
    colorTextDescription: 'rgba(0, 0, 0, 0.68)',
    colorTextTertiary: 'rgba(0, 0, 0, 0.68)',
    colorTextPlaceholder: 'rgba(0, 0, 0, 0.6)',
  },
}

const STAFF_PAGES = ['today', 'groups', 'bulletin', 'bids', 'referrals', 'contracts', 'children', 'attendance', 'journal'] as const
const CLERK_PAGES = ['queue', 'registry', 'bulletinOverview', 'referralList', 'attendanceOffice', 'yearly', 'application', 'kgpassport'] as const
const REVIEWER_PAGES = ['review'] as const
const PAGES = [...STAFF_PAGES, ...CLERK_PAGES, ...REVIEWER_PAGES, 'statistics', 'calendar', 'problems', 'settings', 'about', 'signin'] as const
type Page = (typeof PAGES)[number]
type RoleKind = 'staff' | 'clerk' | 'reviewer' | 'other'

function roleKind(role: string | undefined): RoleKind {
  if (role === 'kindergarten_staff') return 'staff'
  if (role === 'clerk') return 'clerk'
  if (role === 'reviewer_phthisiatrician' || role === 'reviewer_pmpk') return 'reviewer'
  return 'other'
}

/** The pages of each role, the first one being where the person lands after sign-in. */
const ROLE_PAGES: Record<RoleKind, readonly Page[]> = { staff: STAFF_PAGES, clerk: ['queue', 'registry', 'bulletinOverview', 'referralList', 'attendanceOffice', 'yearly'], reviewer: REVIEWER_PAGES, other: [] }
const PAGE_ROLE: Partial<Record<Page, RoleKind>> = {
  ...Object.fromEntries(STAFF_PAGES.map((p) => [p, 'staff'])),
  ...Object.fromEntries(CLERK_PAGES.map((p) => [p, 'clerk'])),
  ...Object.fromEntries(REVIEWER_PAGES.map((p) => [p, 'reviewer'])),
}

function pageFromHash(): Page {
  const name = currentRoute().page
  return (PAGES as readonly string[]).includes(name) ? (name as Page) : 'today'
}

/** Sign the user out after `minutes` without keyboard, mouse or touch input. */
function useInactivityLock(minutes: number | undefined, active: boolean, onLock: () => void): void {
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null)
  const lock = useRef(onLock)
  useEffect(() => {
    lock.current = onLock
  }, [onLock])
  useEffect(() => {
    if (!active || !minutes) return
    const arm = () => {
      if (timer.current) clearTimeout(timer.current)
      timer.current = setTimeout(() => lock.current(), minutes * 60_000)
    }
    const events = ['keydown', 'mousedown', 'mousemove', 'touchstart', 'wheel'] as const
    for (const e of events) window.addEventListener(e, arm, { passive: true })
    arm()
    return () => {
      for (const e of events) window.removeEventListener(e, arm)
      if (timer.current) clearTimeout(timer.current)
    }
  }, [minutes, active])
}

export function App(): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const settings = useApi('settings.get', {})
  const save = useApiMutation('settings.update', ['settings.get'])
  const [page, setPage] = useState<Page>(pageFromHash)
  const language = (settings.data?.language ?? i18n.language) as Language
  const session = useApi('session.current', {})
  const signOut = useApiMutation('session.signOut', ['session.current', 'sync.status'])
  const [locked, setLocked] = useState(false)
  const signedIn = !!session.data
  const kind = roleKind(session.data?.actor.role)
  const home: Page = ROLE_PAGES[kind][0] ?? 'about'
  useInactivityLock(settings.data?.lockAfterMinutes, signedIn, () => {
    setLocked(true)
    signOut.mutate({})
  })
  const menuPages: readonly Page[] = !signedIn ? ['signin', 'settings', 'about'] : [...ROLE_PAGES[kind], 'statistics', 'calendar', 'problems', 'settings', 'about']

  useEffect(() => {
    const onHash = () => setPage(pageFromHash())
    window.addEventListener('hashchange', onHash)
    return () => window.removeEventListener('hashchange', onHash)
  }, [])

  useEffect(() => {
    if (settings.data && i18n.language !== settings.data.language) void i18n.changeLanguage(settings.data.language)
    document.documentElement.lang = language
    document.title = `${t('app.title')}: ${t('app.subtitle')}`
  }, [settings.data, i18n, language, t])

  const switchLanguage = (lang: Language) => {
    void i18n.changeLanguage(lang)
    save.mutate({ language: lang })
  }

  const go = (next: Page) => {
    window.location.hash = `/${next}`
    setPage(next)
  }
  // a role's page (or the sign-in page): needs a signed-in person of that role
  const pageRole = PAGE_ROLE[page]
  const staffPage = pageRole !== undefined || page === 'signin'
  const landing = page === 'signin' || (page === 'today' && kind !== 'staff')
  const shown: Page = landing ? (signedIn ? home : 'signin') : staffPage && !signedIn ? 'signin' : page === 'application' ? 'queue' : page === 'kgpassport' ? 'registry' : page

  return (
    <ConfigProvider locale={language === 'ru' ? ruRU : kkKZ} theme={THEME}>
      <AntApp>
        <Layout style={{ minHeight: '100vh' }}>
          <a className="skip-link" href="#main">
            {t('app.skipToContent')}
          </a>
          <Layout.Header style={{ display: 'flex', alignItems: 'center', gap: 16, background: '#0b3d6b' }}>
            <Typography.Text strong style={{ color: '#fff', fontSize: 18 }}>
              {t('app.title')}
            </Typography.Text>
            <Typography.Text style={{ color: '#d6e4f0', flex: 1 }}>{t('app.subtitle')}</Typography.Text>
            {session.data && (
              <Typography.Text style={{ color: '#fff' }} data-testid="signed-in-as">
                {session.data.actor.fullName}
              </Typography.Text>
            )}
            {session.data && (
              <Button size="small" onClick={() => signOut.mutate({})} loading={signOut.isPending}>
                {t('signin.signOut')}
              </Button>
            )}
            <Segmented<Language>
              aria-label={t('lang.label')}
              value={language}
              onChange={switchLanguage}
              options={[
                { label: t('lang.kk'), value: 'kk' },
                { label: t('lang.ru'), value: 'ru' },
              ]}
            />
          </Layout.Header>
          <Layout>
            <Layout.Sider width={220} theme="light">
              <nav aria-label={t('nav.menu')}>
                <Menu
                  mode="inline"
                  selectedKeys={[shown]}
                  onClick={(e) => go(e.key as Page)}
                  items={menuPages.map((p) => ({ key: p, label: t(`nav.${p}`) }))}
                />
              </nav>
            </Layout.Sider>
            <Layout.Content id="main" style={{ padding: 24 }}>
              <main>
                <UpdateBanner />
                {signedIn && <FirstSignInEmail />}
                {locked && !signedIn && (
                  <Alert type="info" showIcon title={t('signin.locked')} closable onClose={() => setLocked(false)} style={{ marginBottom: 16 }} />
                )}
                {settings.isPending || session.isPending ? (
                  <Spin aria-label={t('common.loading')} />
                ) : settings.isError ? (
                  <LoadError error={settings.error} onRetry={() => void settings.refetch()} />
                ) : !signedIn && (staffPage || page === 'problems' || page === 'statistics' || page === 'calendar') ? (
                  <SignInPage />
                ) : pageRole !== undefined && pageRole !== kind && !landing ? (
                  <Alert type="warning" showIcon title={pageRole === 'staff' ? t('signin.notStaff') : t('signin.wrongRole')} />
                ) : shown === 'queue' && page !== 'application' ? (
                  <QueuePage />
                ) : page === 'application' ? (
                  <ApplicationPage />
                ) : page === 'registry' ? (
                  <RegistryPage />
                ) : page === 'kgpassport' ? (
                  <KindergartenPassportPage />
                ) : page === 'bulletinOverview' ? (
                  <BulletinOverviewPage />
                ) : page === 'referralList' ? (
                  <ReferralListPage />
                ) : page === 'yearly' ? (
                  <YearlyPage />
                ) : shown === 'review' ? (
                  <ReviewPage />
                ) : shown === 'today' ? (
                  <TodayPage />
                ) : page === 'groups' ? (
                  <GroupsPage />
                ) : page === 'bulletin' ? (
                  <BulletinPage />
                ) : page === 'bids' ? (
                  <BidsPage />
                ) : page === 'referrals' ? (
                  <ReferralsPage />
                ) : page === 'contracts' ? (
                  <ContractsPage />
                ) : page === 'children' ? (
                  <ChildrenPage />
                ) : page === 'attendance' ? (
                  <AttendancePage />
                ) : page === 'attendanceOffice' ? (
                  <AttendanceOfficePage />
                ) : page === 'journal' ? (
                  <JournalPage />
                ) : page === 'calendar' ? (
                  <CalendarPage />
                ) : page === 'statistics' ? (
                  <StatisticsPage />
                ) : page === 'settings' ? (
                  <SettingsPage settings={settings.data} />
                ) : page === 'problems' ? (
                  <ProblemsPage />
                ) : (
                  <AboutPage />
                )}
              </main>
            </Layout.Content>
          </Layout>
          <Layout.Footer style={{ padding: '8px 24px', borderTop: '1px solid #e5e5e5', background: '#fafafa' }}>
            <StatusBar onOpenProblems={() => go('problems')} />
          </Layout.Footer>
        </Layout>
      </AntApp>
    </ConfigProvider>
  )
}
