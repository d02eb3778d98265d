/**
 * Parent notification texts (kk and ru) written to the outbox.
 * TODO(integrator): src/core owns notification texts; when its catalog exports them,
 * renderNotice should delegate to it. Until then these templates are the store's.
 */
import { interpolate } from '../core/messages'

const templates: Record<string, { kk: string; ru: string }> = {
  application_filed: {
    kk: '{{number}} өтініші кезекке тіркелді. Кезектегі нөміріңіз: {{position}}.',
    ru: 'Заявление {{number}} зарегистрировано в очереди. Ваш номер в очереди: {{position}}.',
  },
  referral_issued: {
    kk: '{{number}} өтініші бойынша «{{kindergarten}}» балабақшасына жолдама берілді. Жолдама {{until}} дейін жарамды.',
    ru: 'По заявлению {{number}} выдано направление в детский сад «{{kindergarten}}». Направление действительно до {{until}}.',
  },
  bid_rejected: {
    kk: '{{number}} өтінішінің бюллетеньге берген өтінімі қабылданбады.',
    ru: 'Заявка по заявлению {{number}} на бюллетень отклонена.',
  },
  referral_lapsed: {
    kk: '{{number}} өтініші бойынша жолдаманың мерзімі өтті, өтініш {{until}} дейін тоқтатым-параққа қойылды.',
    ru: 'Срок направления по заявлению {{number}} истёк, заявление помещено в стоп-лист до {{until}}.',
  },
  removed_from_queue: {
    kk: '{{number}} өтініші кезектен шығарылды.',
    ru: 'Заявление {{number}} снято с очереди.',
  },
  referral_cancelled: {
    kk: '{{number}} өтініші бойынша жолдама жойылды, өтініш кезекке бастапқы тіркелу уақытымен қайтарылды.',
    ru: 'Направление по заявлению {{number}} аннулировано, заявление возвращено в очередь с исходным временем регистрации.',
  },
  enrolled: {
    kk: 'Бала «{{kindergarten}}» балабақшасына қабылданды.',
    ru: 'Ребёнок зачислен в детский сад «{{kindergarten}}».',
  },
  contract_sent: {
    kk: '«{{kindergarten}}» балабақшасы шартты жіберді. Оны толтырып, ЭЦҚ-мен қол қойыңыз.',
    ru: 'Детский сад «{{kindergarten}}» направил договор. Заполните и подпишите его ЭЦП.',
  },
  voucher_application_confirmed: {
    kk: 'Ваучерге өтінішіңіз расталды. Кезектегі орныңыз: {{position}}',
    ru: 'Ваша заявка на ваучер подтверждена. Ваше место в очереди: {{position}}',
  },
  voucher_application_rejected: {
    kk: 'Ваучерге өтінішіңізді қызметкер қабылдамады: {{reviewer}}',
    ru: 'Ваша заявка на ваучер не принята сотрудником: {{reviewer}}',
  },
  voucher_issued: {
    kk: 'Ваучер берілді. Қызығушылығыңызды {{until}} дейін растаңыз.',
    ru: 'Выдан ваучер. Подтвердите заинтересованность до {{until}}.',
  },
  voucher_cancelled: {
    kk: '{{number}} өтініші бойынша ваучер жойылды.',
    ru: 'Ваучер по заявлению {{number}} аннулирован.',
  },
  turn_lapsed: {
    kk: '{{number}} өтініші бойынша балабақша таңдау мерзімі өтті; орын кезектегі барлығына қолжетімді. Кезектегі нөміріңіз сақталды.',
    ru: 'Срок выбора детского сада по заявлению {{number}} истёк; место стало доступно всем в очереди. Ваш номер в очереди сохранён.',
  },
  privilege_rejected: {
    kk: '{{number}} өтініші бойынша жеңілдік құжаттары расталмады.',
    ru: 'Документы на льготу по заявлению {{number}} не подтверждены.',
  },
}

export function renderNotice(event: string, params: Record<string, string | number>): { kk: string; ru: string } {
  const t = templates[event] ?? { kk: event, ru: event }
  return { kk: interpolate(t.kk, params), ru: interpolate(t.ru, params) }
}

export const NOTICE_EVENTS = Object.keys(templates)
