import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  LABELS,
  messages,
  NOTICE_KINDS,
  NOTICE_TEXTS,
  APPLICATION_STATUSES,
  BID_STATUSES,
  REFERRAL_STATUSES,
  CONTRACT_STATUSES,
  VOUCHER_STATUSES,
  VACANCY_PHASES,
  formatViolation,
} from '../../src/core/index'
import { rulesMessages } from '../../src/core/messages/rules'

const coreDir = join(__dirname, '../../src/core')

describe('texts', () => {
  it('every violation code raised in src/core has Kazakh and Russian text', () => {
    const codes = new Set<string>()
    for (const f of readdirSync(coreDir).filter((f) => f.endsWith('.ts'))) {
      const src = readFileSync(join(coreDir, f), 'utf8')
      for (const m of src.matchAll(/(?:fail|AppError)\(\s*'([a-z_]+)'/g)) codes.add(m[1]!)
      for (const m of src.matchAll(/code: '([a-z_]+)'/g)) codes.add(m[1]!)
      for (const m of src.matchAll(/fail\(`\$\{kind\}_([a-z_]+)`/g)) {
        codes.add(`iin_${m[1]}`)
        codes.add(`bin_${m[1]}`)
      }
    }
    expect(codes.size).toBeGreaterThan(60)
    for (const c of codes) {
      expect(messages[c], c).toBeDefined()
      expect(messages[c]!.kk.length, c).toBeGreaterThan(0)
      expect(messages[c]!.ru.length, c).toBeGreaterThan(0)
    }
    for (const [code, t] of Object.entries(rulesMessages)) {
      expect(t.kk, code).not.toBe(t.ru)
      // placeholders match between languages
      const ph = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort()
      expect(ph(t.kk), code).toEqual(ph(t.ru))
    }
  })
  it('every notice kind has both texts with the same placeholders', () => {
    for (const k of NOTICE_KINDS) {
      const t = NOTICE_TEXTS[k]
      const ph = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort()
      expect(ph(t.kk), k).toEqual(ph(t.ru))
    }
  })
  it.each([
    ['applicationStatus', APPLICATION_STATUSES],
    ['bidStatus', BID_STATUSES],
    ['referralStatus', REFERRAL_STATUSES],
    ['contractStatus', CONTRACT_STATUSES],
    ['voucherStatus', VOUCHER_STATUSES],
    ['vacancyPhase', VACANCY_PHASES],
  ] as const)('every %s has kk and ru labels', (table, values) => {
    const labels = LABELS[table] as Record<string, { kk: string; ru: string }>
    for (const v of values) {
      expect(labels[v]?.kk, v).toBeTruthy()
      expect(labels[v]?.ru, v).toBeTruthy()
    }
    for (const t of Object.values(LABELS))
      for (const l of Object.values(t)) expect(l.kk && l.ru).toBeTruthy()
  })
  it('violations translate with their parameters', () => {
    expect(
      formatViolation(
        { code: 'referral_revoke_window_passed', params: { deadline: '2026-03-03T05:00:00.000Z' } },
        'ru',
      ),
    ).toBe(
      'Отозвать направление можно только в течение одного дня с момента выдачи (до 2026-03-03T05:00:00.000Z).',
    )
  })
})

describe('codes shared with other catalogs', () => {
  it('core violations render without placeholders left, whichever catalog text wins the merge', async () => {
    const { execute, worldOf } = await import('../../src/core/index')
    const { cal, makeApp, at } = await import('./fixtures')
    const a = makeApp({ id: 'dup1' })
    const { status: _s, statusChangedAt: _c, lapses: _l, privilegeStatus: _p, ...fields } = a
    const w = worldOf({ applications: [a] })
    const results = [
      execute(
        w,
        { type: 'activateBid', payload: { bidId: 'nope', referralId: 'r' } },
        at('2026-03-02 10:00'),
        cal,
      ),
      execute(
        w,
        { type: 'expireTurn', payload: { applicationId: 'dup1' } },
        at('2026-03-02 10:00'),
        cal,
      ),
      execute(
        w,
        { type: 'fileApplication', payload: { application: { ...fields, id: 'dup2' } } },
        at('2026-03-02 10:00'),
        cal,
      ),
      execute(w, { type: 'dance', payload: {} }, at('2026-03-02 10:00'), cal),
    ]
    for (const r of results) {
      expect(r.ok).toBe(false)
      if (r.ok) continue
      for (const lang of ['kk', 'ru'] as const) {
        expect(formatViolation(r.error, lang), r.error.code).not.toContain('{{')
        expect(formatViolation(r.error, lang, rulesMessages), r.error.code).not.toContain('{{')
      }
    }
  })
})
