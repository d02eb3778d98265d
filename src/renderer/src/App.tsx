import { useEffect, useState } from 'react'
import { App as AntApp, ConfigProvider, Layout, Menu, Segmented, Spin, Typography } from 'antd'
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
import { UpdateBanner } from './components/UpdateBanner'

/** Ant Design's default secondary text greys fail WCAG AA contrast; darken them. */
const THEME = {
  token: {
    colorPrimary: '#0f6cbd',
    colorTextDescription: 'rgba(0, 0, 0, 0.68)',
    colorTextTertiary: 'rgba(0, 0, 0, 0.68)',
    colorTextPlaceholder: 'rgba(0, 0, 0, 0.6)',
  },
}

const PAGES = ['settings', 'problems', 'about'] as const
type Page = (typeof PAGES)[number]

function pageFromHash(): Page {
  const name = window.location.hash.replace(/^#\/?/, '')
  return (PAGES as readonly string[]).includes(name) ? (name as Page) : 'settings'
}

export function App(): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const settings = useApi('settings.get', {})
  const save = useApiMutation('settings.update', ['settings.get'])
  const [page, setPage] = useState<Page>(pageFromHash)
  const language = (settings.data?.language ?? i18n.language) as Language

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
                  selectedKeys={[page]}
                  onClick={(e) => go(e.key as Page)}
                  items={PAGES.map((p) => ({ key: p, label: t(`nav.${p}`) }))}
                />
              </nav>
            </Layout.Sider>
            <Layout.Content id="main" style={{ padding: 24 }}>
              <main>
                <UpdateBanner />
                {settings.isPending ? (
                  <Spin aria-label={t('common.loading')} />
                ) : settings.isError ? (
                  <LoadError error={settings.error} onRetry={() => void settings.refetch()} />
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
