/**
 * Parent notification texts (kk and ru) for the outbox: src/core's notice catalogue
 * (`NOTICE_TEXTS`, `renderNotice`), plus the few store events src/core has no text for.
 */
import type { NoticeKind } from '../core/events'
import { interpolate } from '../core/messages'
import { NOTICE_TEXTS, renderNotice as coreRender } from '../core/notifications'

const storeOnly: Record<string, { kk: string; ru: string }> = {
  interest_campaign_opened: {
    kk: '{{number}} өтініші бойынша балабақшадағы орынға қызығушылығыңызды {{deadline}} дейін порталда растаңыз. Растамасаңыз, өтініш белсенді емес болады.',
    ru: 'Подтвердите на портале до {{deadline}} заинтересованность в получении места в детском саду по заявлению {{number}}. Без подтверждения заявление станет неактивным.',
  },
  interest_not_confirmed: {
    kk: '{{number}} өтініші бойынша қызығушылық мерзімінде расталмады: өтініш белсенді емес. Қалпына келтіру үшін білім бөліміне жүгініңіз.',
    ru: 'Заинтересованность по заявлению {{number}} не подтверждена в срок: заявление неактивно. Для восстановления обратитесь в отдел образования.',
  },
  queue_school_age: {
    kk: '{{number}} өтініші бойынша бала {{intake}} күні мектеп жасына толады: өтініш балабақша кезегінен мұрағатқа ауыстырылды.',
    ru: 'По заявлению {{number}} ребёнок на {{intake}} достигает школьного возраста: заявление перенесено из очереди в детский сад в архив.',
  },
  turn_lapsed: {
    kk: '{{number}} өтініші бойынша балабақша таңдау мерзімі өтті; орын кезектегі барлығына қолжетімді. Кезектегі нөміріңіз сақталды.',
    ru: 'Срок выбора детского сада по заявлению {{number}} истёк; место стало доступно всем в очереди. Ваш номер в очереди сохранён.',
  },
}

export function renderNotice(
  event: string,
  params: Record<string, string | number>,
): { kk: string; ru: string } {
  if (event in NOTICE_TEXTS) {
    const n = { kind: event as NoticeKind, applicationId: '', params }
    return { kk: coreRender(n, 'kk'), ru: coreRender(n, 'ru') }
  }
  const t = storeOnly[event] ?? { kk: event, ru: event }
  return { kk: interpolate(t.kk, params), ru: interpolate(t.ru, params) }
}
