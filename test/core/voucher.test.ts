import { describe, expect, it } from 'vitest'
import { localDate, renderNotice, type World, worldOf } from '../../src/core/index'
import { at, codeOf, makeApp, run, tryRun } from './fixtures'

const T0 = at('2026-03-02 10:00') // Monday

function special(extra: Partial<Parameters<typeof makeApp>[0]> = {}): World {
  return worldOf({
    applications: [
      makeApp({
        id: 'app',
        queueType: 'special_voucher',
        status: 'awaiting_review',
        correctionType: 'speech',
        kindergartenChoices: ['kg-5', 'kg-6'],
        ...extra,
      }),
    ],
  })
}

const confirm = {
  type: 'reviewerConfirm',
  payload: {
    applicationId: 'app',
    decisionId: 'd1',
    reviewerRole: 'pmpk',
    reviewerName: 'Серикова Айгуль',
  },
}
const reject = {
  type: 'reviewerReject',
  payload: {
    applicationId: 'app',
    decisionId: 'd1',
    reviewerRole: 'phthisiatrician',
    reviewerName: 'Серикова Айгуль',
    reason: 'нет заключения',
  },
}

function issued(): World {
  let w = run(special(), confirm, T0)
  w = run(w, { type: 'issueVoucher', payload: { voucherId: 'v', applicationId: 'app' } }, T0)
  return w
}

describe('R12 reviewer decisions (seed 004)', () => {
  it('R12.1 confirmed: in the queue, the parent gets the place number', () => {
    const r = tryRun(special(), confirm, T0)
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.value.state.applications['app']!.status).toBe('in_queue')
    expect(r.value.state.decisions['d1']).toMatchObject({
      decision: 'confirmed',
      reviewerName: 'Серикова Айгуль',
    })
    const n = r.value.events.find((e) => e.notice)!.notice!
    expect(renderNotice(n, 'kk')).toBe(
      'Сіздің ваучер алу өтініміңіз расталды. Кезектегі орныңыз: 1',
    )
    expect(renderNotice(n, 'ru')).toBe(
      'Ваша заявка на получение ваучера подтверждена. Ваше место в очереди: 1',
    )
  })
  it('R12.2 rejected: archived, the notice names the reviewer', () => {
    const r = tryRun(special(), reject, T0)
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.value.state.applications['app']!.status).toBe('archived')
    const n = r.value.events.find((e) => e.notice)!.notice!
    expect(renderNotice(n, 'kk')).toContain('қызметкер тарапынан қабылданбады: Серикова Айгуль')
    expect(renderNotice(n, 'ru')).toContain('не принята сотрудником: Серикова Айгуль')
  })
  it.each([
    [
      'R12.3 not awaiting review',
      { status: 'in_queue' as const },
      confirm,
      'application_not_awaiting_review',
    ],
    [
      'R12.4 reviewer name required',
      {},
      { ...confirm, payload: { ...confirm.payload, reviewerName: ' ' } },
      'reviewer_name_required',
    ],
    [
      'R12.5 reviewer role',
      {},
      { ...confirm, payload: { ...confirm.payload, reviewerRole: 'nurse' } },
      'invalid_args',
    ],
  ])('%s', (_r, patch, cmd, code) => {
    expect(codeOf(tryRun(special(patch), cmd, T0))).toBe(code)
  })
})

describe('R13 voucher timers T7 and T8 (seed 004)', () => {
  it('R13.1 issue: 2 working days to confirm interest', () => {
    const w = issued()
    expect(w.applications['app']!.status).toBe('voucher_issued')
    expect(localDate(w.vouchers['v']!.interestDeadline)).toBe('2026-03-04')
    expect(
      codeOf(
        tryRun(w, { type: 'issueVoucher', payload: { voucherId: 'v2', applicationId: 'app' } }, T0),
      ),
    ).toBe('application_not_in_queue')
  })
  it.each([
    ['R13.2 confirmed on the last day', at('2026-03-04 23:59'), null],
    ['R13.3 too late', at('2026-03-05 00:00'), 'voucher_interest_window_passed'],
  ])('%s', (_r, when, code) => {
    expect(
      codeOf(
        tryRun(issued(), { type: 'confirmVoucherInterest', payload: { voucherId: 'v' } }, when),
      ),
    ).toBe(code)
  })
  it('R13.4 T7 missed: voucher cancelled, application inactive on the stop-list, restorable once within 28 days', () => {
    let w = issued()
    expect(
      codeOf(
        tryRun(
          w,
          { type: 'expireVoucherInterest', payload: { voucherId: 'v' } },
          at('2026-03-04 20:00'),
        ),
      ),
    ).toBe('timer_not_due')
    w = run(
      w,
      { type: 'expireVoucherInterest', payload: { voucherId: 'v' } },
      at('2026-03-05 08:00'),
    )
    expect(w.vouchers['v']).toMatchObject({
      status: 'cancelled',
      cancelReason: 'interest_not_confirmed',
    })
    expect(w.applications['app']!.status).toBe('inactive')
    expect(localDate(w.applications['app']!.inactiveUntil!)).toBe('2026-04-01')
    expect(w.stopList['stop:v']!.reason).toBe('voucher_interest_missed')
    expect(
      codeOf(
        tryRun(
          w,
          { type: 'issueVoucher', payload: { voucherId: 'v2', applicationId: 'app' } },
          at('2026-03-06 10:00'),
        ),
      ),
    ).toBe('application_not_in_queue')
    expect(
      codeOf(
        tryRun(
          w,
          { type: 'restoreApplication', payload: { applicationId: 'app' } },
          at('2026-04-02 00:00'),
        ),
      ),
    ).toBe('restore_window_passed')
    const restored = run(
      w,
      { type: 'restoreApplication', payload: { applicationId: 'app' } },
      at('2026-03-20 10:00'),
    )
    expect(restored.applications['app']).toMatchObject({ status: 'in_queue', restoredOnce: true })
    expect(restored.stopList['stop:v']!.status).toBe('released')
    // second time: no restore
    let again = run(
      restored,
      { type: 'issueVoucher', payload: { voucherId: 'v2', applicationId: 'app' } },
      at('2026-03-20 10:00'),
    )
    again = run(
      again,
      { type: 'expireVoucherInterest', payload: { voucherId: 'v2' } },
      at('2026-03-28 10:00'),
    )
    expect(
      codeOf(
        tryRun(
          again,
          { type: 'restoreApplication', payload: { applicationId: 'app' } },
          at('2026-03-28 11:00'),
        ),
      ),
    ).toBe('application_already_restored')
    // not restored in 28 days: archived
    expect(
      codeOf(
        tryRun(
          w,
          { type: 'archiveInactive', payload: { applicationId: 'app' } },
          at('2026-04-01 10:00'),
        ),
      ),
    ).toBe('timer_not_due')
    const archived = run(
      w,
      { type: 'archiveInactive', payload: { applicationId: 'app' } },
      at('2026-04-02 00:00'),
    )
    expect(archived.applications['app']!.status).toBe('archived')
    expect(archived.stopList['stop:v']!.status).toBe('expired')
  })
  it('R13.5 declining cancels the voucher and archives the application', () => {
    const w = run(issued(), { type: 'declineVoucher', payload: { voucherId: 'v' } }, T0)
    expect(w.vouchers['v']!.cancelReason).toBe('declined')
    expect(w.applications['app']!.status).toBe('archived')
    expect(codeOf(tryRun(w, { type: 'declineVoucher', payload: { voucherId: 'v' } }, T0))).toBe(
      'invalid_state',
    )
  })
  it('R13.6 after interest: 5 working days; the 2-day extension is offered on the 5th day only, once', () => {
    let w = run(
      issued(),
      { type: 'confirmVoucherInterest', payload: { voucherId: 'v' } },
      at('2026-03-03 10:00'),
    )
    // Tue 3 Mar + 5 working days: 4, 5, 6, 10, 11 (9 Mar is off)
    expect(localDate(w.vouchers['v']!.chooseDeadline!)).toBe('2026-03-11')
    expect(
      codeOf(
        tryRun(w, { type: 'extendVoucher', payload: { voucherId: 'v' } }, at('2026-03-10 10:00')),
      ),
    ).toBe('voucher_extension_not_offered')
    w = run(w, { type: 'extendVoucher', payload: { voucherId: 'v' } }, at('2026-03-11 10:00'))
    expect(localDate(w.vouchers['v']!.chooseDeadline!)).toBe('2026-03-13')
    expect(
      codeOf(
        tryRun(w, { type: 'extendVoucher', payload: { voucherId: 'v' } }, at('2026-03-13 10:00')),
      ),
    ).toBe('voucher_already_extended')
    expect(
      codeOf(
        tryRun(w, { type: 'expireVoucher', payload: { voucherId: 'v' } }, at('2026-03-13 23:00')),
      ),
    ).toBe('timer_not_due')
    const r = tryRun(
      w,
      { type: 'expireVoucher', payload: { voucherId: 'v' } },
      at('2026-03-14 00:00'),
    )
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.value.state.vouchers['v']!.cancelReason).toBe('not_enrolled_in_time')
    expect(r.value.state.applications['app']!.status).toBe('archived')
  })
  it('R13.7 full e-contract path: choose, contract sent, parent signs with documents, kindergarten signs, enrolled', () => {
    let w = run(
      issued(),
      { type: 'confirmVoucherInterest', payload: { voucherId: 'v' } },
      at('2026-03-03 10:00'),
    )
    expect(
      codeOf(
        tryRun(
          w,
          {
            type: 'createContract',
            payload: { contractId: 'c', basis: { kind: 'voucher', voucherId: 'v' } },
          },
          T0,
        ),
      ),
    ).toBe('voucher_kindergarten_not_chosen')
    expect(
      codeOf(
        tryRun(
          w,
          {
            type: 'chooseVoucherKindergarten',
            payload: { voucherId: 'v', kindergartenId: 'kg-1' },
          },
          at('2026-03-04 10:00'),
        ),
      ),
    ).toBe('voucher_kindergarten_not_in_choices')
    w = run(
      w,
      { type: 'chooseVoucherKindergarten', payload: { voucherId: 'v', kindergartenId: 'kg-5' } },
      at('2026-03-04 10:00'),
    )
    expect(w.applications['app']!.status).toBe('awaiting_contract')
    w = run(
      w,
      {
        type: 'createContract',
        payload: { contractId: 'c', basis: { kind: 'voucher', voucherId: 'v' } },
      },
      at('2026-03-04 11:00'),
    )
    expect(
      codeOf(
        tryRun(
          w,
          { type: 'signContractByKindergarten', payload: { contractId: 'c' } },
          at('2026-03-04 11:00'),
        ),
      ),
    ).toBe('contract_parent_signature_required')
    w = run(
      w,
      { type: 'sendContractToParent', payload: { contractId: 'c' } },
      at('2026-03-04 11:00'),
    )
    expect(
      codeOf(
        tryRun(
          w,
          { type: 'signContractByParent', payload: { contractId: 'c', documents: [] } },
          at('2026-03-04 12:00'),
        ),
      ),
    ).toBe('contract_documents_required')
    w = run(
      w,
      {
        type: 'signContractByParent',
        payload: { contractId: 'c', documents: ['027/у', 'свидетельство о рождении', '065/у'] },
      },
      at('2026-03-04 12:00'),
    )
    w = run(
      w,
      { type: 'signContractByKindergarten', payload: { contractId: 'c' } },
      at('2026-03-05 09:00'),
    )
    w = run(
      w,
      {
        type: 'enrol',
        payload: {
          enrolmentId: 'e',
          contractId: 'c',
          kindergartenName: 'ДО №5',
          groupName: 'Логопедическая',
        },
      },
      at('2026-03-05 09:00'),
    )
    expect(w.vouchers['v']!.status).toBe('used')
    expect(w.applications['app']!.status).toBe('enrolled')
    expect(w.contracts['c']!.status).toBe('signed_by_kindergarten')
  })
  it('R13.8 voucher expiry voids an unfinished contract', () => {
    let w = run(
      issued(),
      { type: 'confirmVoucherInterest', payload: { voucherId: 'v' } },
      at('2026-03-03 10:00'),
    )
    w = run(
      w,
      { type: 'chooseVoucherKindergarten', payload: { voucherId: 'v', kindergartenId: 'kg-5' } },
      at('2026-03-04 10:00'),
    )
    w = run(
      w,
      {
        type: 'createContract',
        payload: { contractId: 'c', basis: { kind: 'voucher', voucherId: 'v' } },
      },
      at('2026-03-04 11:00'),
    )
    w = run(w, { type: 'expireVoucher', payload: { voucherId: 'v' } }, at('2026-03-12 00:00'))
    expect(w.contracts['c']!.status).toBe('void')
    expect(
      codeOf(tryRun(w, { type: 'confirmVoucherInterest', payload: { voucherId: 'v' } }, T0)),
    ).toBe('invalid_state')
    expect(
      codeOf(
        tryRun(
          w,
          {
            type: 'chooseVoucherKindergarten',
            payload: { voucherId: 'v', kindergartenId: 'kg-5' },
          },
          T0,
        ),
      ),
    ).toBe('invalid_state')
  })
  it('R13.9 vouchers only for the special queue; stop-list blocks them', () => {
    const g = worldOf({ applications: [makeApp({ id: 'app' })] })
    expect(
      codeOf(
        tryRun(g, { type: 'issueVoucher', payload: { voucherId: 'v', applicationId: 'app' } }, T0),
      ),
    ).toBe('vacancy_queue_type_mismatch')
    let w = run(special(), confirm, T0)
    w = run(
      w,
      {
        type: 'putOnStopList',
        payload: { stopListEntryId: 's', applicationId: 'app', until: '2026-03-10' },
      },
      T0,
    )
    expect(
      codeOf(
        tryRun(w, { type: 'issueVoucher', payload: { voucherId: 'v', applicationId: 'app' } }, T0),
      ),
    ).toBe('stop_listed')
  })
})
