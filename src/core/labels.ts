/**
 * Kazakh and Russian labels of every status and enumeration (portal wording where the
 * seeds show it: "Орын күтілуде", "В очереди", "Выдано направление", "Направлено
 * уведомление", "Құжаттарды растауды күту", "МДҰ-дан келісімшартты күтіңіз",
 * "Барлығына қолжетімді", "Без льготы").
 */
import type { Text } from './messages/types'
import type {
  ApplicationStatus,
  BidStatus,
  ContractStatus,
  DecisionStatus,
  DepartureReason,
  EnrolmentStatus,
  GroupType,
  PlaceType,
  Privilege,
  PrivilegeStatus,
  QueueType,
  ReferralStatus,
  RemovalReason,
  ReviewerRole,
  StopListReason,
  StopListStatus,
  VacancyPhase,
  VoucherStatus,
} from './model'

export const QUEUE_TYPE_LABELS: Record<QueueType, Text> = {
  general: { kk: 'Жалпы кезек', ru: 'Общая очередь' },
  sanatorium: { kk: 'Санаториялық', ru: 'Санаторная' },
  private_state_order: {
    kk: 'Жеке меншік балабақша (мемлекеттік тапсырыс)',
    ru: 'Частный детский сад по госзаказу',
  },
  special_voucher: { kk: 'Арнайы бағыттағы (ваучер)', ru: 'Специальная очередь (ваучер)' },
}

export const PRIVILEGE_LABELS: Record<Privilege, Text> = {
  none: { kk: 'Жеңілдіксіз', ru: 'Без льготы' },
  first_priority: { kk: 'Бірінші кезектегі', ru: 'Первоочередная' },
  out_of_turn: { kk: 'Кезектен тыс', ru: 'Внеочередная' },
}

export const PRIVILEGE_STATUS_LABELS: Record<PrivilegeStatus, Text> = {
  not_required: { kk: 'Растау қажет емес', ru: 'Подтверждение не требуется' },
  pending: { kk: 'Құжаттар тексерілуде', ru: 'Документы на проверке' },
  confirmed: { kk: 'Жеңілдік расталды', ru: 'Льгота подтверждена' },
  rejected: { kk: 'Жеңілдік расталмады', ru: 'Льгота не подтверждена' },
}

export const APPLICATION_STATUS_LABELS: Record<ApplicationStatus, Text> = {
  awaiting_review: { kk: 'Құжаттарды растауды күту', ru: 'Ожидает подтверждения документов' },
  in_queue: { kk: 'Орын күтілуде (кезекте)', ru: 'В очереди (ожидает место)' },
  notified: { kk: 'Хабарлама жіберілді', ru: 'Направлено уведомление' },
  referral_issued: { kk: 'Жолдама берілді', ru: 'Выдано направление' },
  voucher_issued: { kk: 'Ваучер берілді', ru: 'Выдан ваучер' },
  awaiting_contract: { kk: 'МДҰ-дан келісімшартты күтіңіз', ru: 'Ожидайте договор от ДО' },
  inactive: { kk: 'Белсенді емес (тоқтатым-парақта)', ru: 'Неактивно (в стоп-листе)' },
  enrolled: { kk: 'Балабақшаға қабылданды', ru: 'Зачислен в детский сад' },
  removed: { kk: 'Кезектен алынды', ru: 'Снят с очереди' },
  archived: { kk: 'Мұрағатта', ru: 'В архиве' },
}

export const REMOVAL_REASON_LABELS: Record<RemovalReason, Text> = {
  parent_request: { kk: 'Өтініш берушінің бастамасымен', ru: 'По инициативе заявителя' },
  clerk_decision: { kk: 'Білім бөлімінің шешімімен', ru: 'По решению отдела образования' },
  second_lapse: { kk: 'Жолдама мерзімі 2 рет өткізілді', ru: 'Срок направления просрочен 2 раза' },
  private_state_order_chosen: {
    kk: 'Мемлекеттік тапсырыс бойынша жеке меншік балабақша таңдалды',
    ru: 'Выбран частный детский сад по госзаказу',
  },
  referral_lost: {
    kk: 'Кезектен тыс берілген жолдама пайдаланылмады',
    ru: 'Направление вне очереди не использовано',
  },
}

export const VACANCY_PHASE_LABELS: Record<VacancyPhase, Text> = {
  scheduled: {
    kk: 'Жарияланды, өтініш қабылдау әлі басталмады',
    ru: 'Опубликовано, приём заявок ещё не начат',
  },
  open_to_queue: { kk: 'Кезектегілерге қолжетімді', ru: 'Доступно очередникам' },
  open_to_all: { kk: 'Барлығына қолжетімді', ru: 'Доступно всем' },
  filled: { kk: 'Орындар толды', ru: 'Места заняты' },
  withdrawn: { kk: 'Жарияланымнан алынды', ru: 'Снято с публикации' },
}

export const GROUP_TYPE_LABELS: Record<GroupType, Text> = {
  day: { kk: 'Күндізгі', ru: 'Дневная' },
  short_stay: { kk: 'Қысқа мерзімді болу', ru: 'Кратковременного пребывания' },
  round_the_clock: { kk: 'Тәулік бойы', ru: 'Круглосуточная' },
  sanatorium: { kk: 'Санаториялық', ru: 'Санаторная' },
  special: { kk: 'Арнайы (түзету)', ru: 'Специальная (коррекционная)' },
}

export const PLACE_TYPE_LABELS: Record<PlaceType, Text> = {
  regular: { kk: 'Бос орын', ru: 'Обычное место' },
  state_order: { kk: 'Мемлекеттік тапсырыс орны', ru: 'Место по госзаказу' },
  sanatorium: { kk: 'Санаториялық орын', ru: 'Санаторное место' },
  special: { kk: 'Арнайы орын', ru: 'Специальное место' },
}

export const BID_STATUS_LABELS: Record<BidStatus, Text> = {
  sent: { kk: 'Активтендіруді күту', ru: 'Ожидает активации' },
  activated: { kk: 'Активтендірілді', ru: 'Активирована' },
  declined: { kk: 'Қабылданбады', ru: 'Отклонена' },
  withdrawn: { kk: 'Кері қайтарылды', ru: 'Отозвана' },
  cancelled: { kk: 'Жойылды', ru: 'Аннулирована' },
}

export const REFERRAL_STATUS_LABELS: Record<ReferralStatus, Text> = {
  active: { kk: 'Жарамды', ru: 'Действует' },
  extended: { kk: 'Ұзартылды', ru: 'Продлено' },
  used: { kk: 'Пайдаланылды', ru: 'Использовано' },
  lapsed: { kk: 'Мерзімі өтті', ru: 'Просрочено' },
  revoked: { kk: 'Өтініш беруші кері қайтарды', ru: 'Отозвано заявителем' },
  cancelled: { kk: 'Жойылды', ru: 'Аннулировано' },
}

export const CONTRACT_STATUS_LABELS: Record<ContractStatus, Text> = {
  draft: { kk: 'Жоба', ru: 'Черновик' },
  sent_to_parent: { kk: 'Ата-анаға қол қоюға жіберілді', ru: 'Отправлен родителю на подпись' },
  signed_by_parent: { kk: 'Ата-ана қол қойды', ru: 'Подписан родителем' },
  signed_by_kindergarten: { kk: 'Балабақша қол қойды', ru: 'Подписан детским садом' },
  void: { kk: 'Күші жойылды', ru: 'Аннулирован' },
}

export const ENROLMENT_STATUS_LABELS: Record<EnrolmentStatus, Text> = {
  enrolled: { kk: 'Қабылданды', ru: 'Зачислен' },
  departed: { kk: 'Шықты', ru: 'Выбыл' },
}

export const DEPARTURE_REASON_LABELS: Record<DepartureReason, Text> = {
  school: { kk: 'Мектепке кетті', ru: 'Выбыл в школу' },
  relocation: { kk: 'Тұрғылықты жерін ауыстырды', ru: 'Смена места жительства' },
  parent_request: { kk: 'Ата-ананың өтініші бойынша', ru: 'По заявлению родителя' },
  health: { kk: 'Денсаулық жағдайы бойынша', ru: 'По состоянию здоровья' },
  transfer: { kk: 'Басқа балабақшаға ауысты', ru: 'Перевод в другой детский сад' },
  other: { kk: 'Басқа себеп', ru: 'Другая причина' },
}

export const STOP_LIST_REASON_LABELS: Record<StopListReason, Text> = {
  referral_lapsed: {
    kk: 'Жолдама бойынша 5 жұмыс күні ішінде келмеді',
    ru: 'Не явился по направлению в течение 5 рабочих дней',
  },
  voucher_interest_missed: {
    kk: 'Ваучерге қызығушылық 2 жұмыс күні ішінде расталмады',
    ru: 'Интерес к ваучеру не подтверждён в течение 2 рабочих дней',
  },
  clerk_decision: { kk: 'Білім бөлімінің шешімімен', ru: 'По решению отдела образования' },
}

export const STOP_LIST_STATUS_LABELS: Record<StopListStatus, Text> = {
  active: { kk: 'Тоқтатым-парақта', ru: 'В стоп-листе' },
  released: { kk: 'Бұғаттан шығарылды', ru: 'Разблокировано' },
  expired: { kk: 'Мерзімі аяқталды', ru: 'Срок истёк' },
}

export const VOUCHER_STATUS_LABELS: Record<VoucherStatus, Text> = {
  issued: {
    kk: 'Ваучер берілді, қызығушылықты растау күтілуде',
    ru: 'Ваучер выдан, ожидается подтверждение интереса',
  },
  interest_confirmed: { kk: 'Қызығушылық расталды', ru: 'Интерес подтверждён' },
  extended: { kk: 'Мерзімі 2 күнге ұзартылды', ru: 'Продлён на 2 дня' },
  used: { kk: 'Пайдаланылды', ru: 'Использован' },
  cancelled: { kk: 'Жойылды', ru: 'Аннулирован' },
}

export const REVIEWER_ROLE_LABELS: Record<ReviewerRole, Text> = {
  phthisiatrician: { kk: 'Фтизиатр-дәрігер', ru: 'Врач-фтизиатр' },
  pmpk: { kk: 'ПМПК', ru: 'ПМПК' },
}

export const DECISION_STATUS_LABELS: Record<DecisionStatus | 'awaiting', Text> = {
  awaiting: { kk: 'Растауды күту', ru: 'Ожидает подтверждения' },
  confirmed: { kk: 'Расталды', ru: 'Подтверждено' },
  rejected: { kk: 'Қабылданбады', ru: 'Не принято' },
}

/** "Interest in a place confirmed" column (seeds 000/001: "Заинтересован"). */
export const INTEREST_LABELS: Record<'confirmed' | 'not_confirmed', Text> = {
  confirmed: { kk: 'Мүдделі', ru: 'Заинтересован' },
  not_confirmed: { kk: 'Мүдделілік расталмаған', ru: 'Заинтересованность не подтверждена' },
}

/** All label tables by name (for completeness tests and the UI). */
export const LABELS = {
  queueType: QUEUE_TYPE_LABELS,
  privilege: PRIVILEGE_LABELS,
  privilegeStatus: PRIVILEGE_STATUS_LABELS,
  applicationStatus: APPLICATION_STATUS_LABELS,
  removalReason: REMOVAL_REASON_LABELS,
  vacancyPhase: VACANCY_PHASE_LABELS,
  groupType: GROUP_TYPE_LABELS,
  placeType: PLACE_TYPE_LABELS,
  bidStatus: BID_STATUS_LABELS,
  referralStatus: REFERRAL_STATUS_LABELS,
  contractStatus: CONTRACT_STATUS_LABELS,
  enrolmentStatus: ENROLMENT_STATUS_LABELS,
  departureReason: DEPARTURE_REASON_LABELS,
  stopListReason: STOP_LIST_REASON_LABELS,
  stopListStatus: STOP_LIST_STATUS_LABELS,
  voucherStatus: VOUCHER_STATUS_LABELS,
  reviewerRole: REVIEWER_ROLE_LABELS,
  decisionStatus: DECISION_STATUS_LABELS,
  interest: INTEREST_LABELS,
} as const
