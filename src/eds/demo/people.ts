/**
 * The demo people and organisations (pure data, no I/O): deterministic names, IINs and
 * BINs (valid check digits via src/core/iin.ts). `bq demo keys` issues an AUTH and a SIGN
 * key to each; the central store seeds staff accounts and kindergartens from this list.
 */
import { makeBin, makeIin, type Sex } from '../../core/iin'
import type { Role } from '../oids'

export type DemoRole =
  'staff' | 'clerk' | 'reviewer_phthisiatrician' | 'reviewer_pmpk' | 'parent' | 'admin'
/** folder under the output directory */
export type DemoFolder = 'staff' | 'clerk' | 'reviewer' | 'parent' | 'admin'

export interface DemoOrganization {
  id: string
  kind: 'kindergarten' | 'education_department' | 'clinic' | 'pmpk'
  bin: string
  /** the name as it stands in certificates (O=) */
  certName: string
  name: { kk: string; ru: string }
  /** private kindergarten under state order */
  private?: boolean
}

export interface DemoPerson {
  /** folder name under DIR/<folder>/ */
  id: string
  role: DemoRole
  folder: DemoFolder
  surname: string
  givenName: string
  patronymic: string | null
  /** "SURNAME GIVENNAME PATRONYMIC" as certificates write it (upper case) */
  fullName: string
  /** the name as people write it */
  displayName: string
  /** whose naming tradition: Kazakh or Russian */
  nameLang: 'kk' | 'ru'
  birthDate: string
  sex: Sex
  iin: string
  /** organisation id for legal-entity employees; null for individuals */
  organizationId: string | null
  position: { kk: string; ru: string } | null
  /** EKU role OIDs the certificates carry */
  roles: Role[]
}

export const DEMO_PASSWORD = 'Qwerty12'
export const DEMO_LOCALITY = 'АЛМАТЫ'

export const DEMO_ORGANIZATIONS: readonly DemoOrganization[] = [
  {
    id: 'kg-baldyrgan',
    kind: 'kindergarten',
    bin: makeBin('0503', 1201),
    certName: 'МКҚК «№12 БАЛДЫРҒАН БӨБЕКЖАЙЫ»',
    name: { kk: '№12 «Балдырған» бөбекжайы', ru: 'Ясли-сад №12 «Балдырган»' },
  },
  {
    id: 'kg-aigolek',
    kind: 'kindergarten',
    bin: makeBin('1108', 4507),
    certName: 'МКҚК «№45 АЙГӨЛЕК БАЛАБАҚШАСЫ»',
    name: { kk: '№45 «Айгөлек» балабақшасы', ru: 'Детский сад №45 «Айгөлек»' },
  },
  {
    id: 'kg-solnyshko',
    kind: 'kindergarten',
    bin: makeBin('1702', 7713, { attribute: 'head' }),
    certName: 'ТОО «ДЕТСКИЙ САД СОЛНЫШКО»',
    name: { kk: '«Солнышко» балабақшасы ЖШС', ru: 'ТОО «Детский сад Солнышко»' },
    private: true,
  },
  {
    id: 'edu-almaty',
    kind: 'education_department',
    bin: makeBin('9907', 301),
    certName: 'АЛМАТЫ ҚАЛАСЫНЫҢ БІЛІМ БАСҚАРМАСЫ',
    name: { kk: 'Алматы қаласының білім басқармасы', ru: 'Управление образования города Алматы' },
  },
  {
    id: 'clinic-tb',
    kind: 'clinic',
    bin: makeBin('0011', 905),
    certName: 'ҚАЛАЛЫҚ ФТИЗИОПУЛЬМОНОЛОГИЯ ОРТАЛЫҒЫ',
    name: { kk: 'Қалалық фтизиопульмонология орталығы', ru: 'Городской центр фтизиопульмонологии' },
  },
  {
    id: 'pmpk-1',
    kind: 'pmpk',
    bin: makeBin('1304', 1777),
    certName: '№1 ПСИХОЛОГИЯЛЫҚ-МЕДИЦИНАЛЫҚ-ПЕДАГОГИКАЛЫҚ КОНСУЛЬТАЦИЯ',
    name: {
      kk: '№1 психологиялық-медициналық-педагогикалық консультация',
      ru: 'Психолого-медико-педагогическая консультация №1',
    },
  },
]

interface Spec {
  id: string
  role: DemoRole
  surname: string
  givenName: string
  patronymic: string | null
  nameLang: 'kk' | 'ru'
  birthDate: string
  sex: Sex
  serial: number
  org?: string
  position?: { kk: string; ru: string }
  roles: Role[]
}

const HEAD = { kk: 'Меңгеруші', ru: 'Заведующая' }
const METHODIST = { kk: 'Әдіскер', ru: 'Методист' }
const TEACHER = { kk: 'Тәрбиеші', ru: 'Воспитатель' }
const CLERK = { kk: 'Бас маман', ru: 'Главный специалист' }

const SPECS: readonly Spec[] = [
  // kindergarten staff: the head (first head), a deputy with right to sign, and in the first
  // kindergarten a teacher without the right to sign (the "missing role" case)
  {
    id: 'baldyrgan-head',
    role: 'staff',
    surname: 'Нұрланова',
    givenName: 'Әлия',
    patronymic: 'Серікқызы',
    nameLang: 'kk',
    birthDate: '1979-03-14',
    sex: 'female',
    serial: 1101,
    org: 'kg-baldyrgan',
    position: HEAD,
    roles: ['employee', 'first_head'],
  },
  {
    id: 'baldyrgan-methodist',
    role: 'staff',
    surname: 'Жақсыбекова',
    givenName: 'Гүлнәр',
    patronymic: 'Болатқызы',
    nameLang: 'kk',
    birthDate: '1985-11-02',
    sex: 'female',
    serial: 1102,
    org: 'kg-baldyrgan',
    position: METHODIST,
    roles: ['employee', 'sign_right'],
  },
  {
    id: 'baldyrgan-teacher',
    role: 'staff',
    surname: 'Оспанова',
    givenName: 'Дина',
    patronymic: 'Ерланқызы',
    nameLang: 'kk',
    birthDate: '1994-06-21',
    sex: 'female',
    serial: 1103,
    org: 'kg-baldyrgan',
    position: TEACHER,
    roles: ['employee', 'staff_member'],
  },
  {
    id: 'aigolek-head',
    role: 'staff',
    surname: 'Төлеубаева',
    givenName: 'Сәуле',
    patronymic: 'Қайратқызы',
    nameLang: 'kk',
    birthDate: '1975-09-30',
    sex: 'female',
    serial: 1201,
    org: 'kg-aigolek',
    position: HEAD,
    roles: ['employee', 'first_head'],
  },
  {
    id: 'aigolek-deputy',
    role: 'staff',
    surname: 'Әбдірахманов',
    givenName: 'Ерлан',
    patronymic: 'Маратұлы',
    nameLang: 'kk',
    birthDate: '1982-01-17',
    sex: 'male',
    serial: 1202,
    org: 'kg-aigolek',
    position: METHODIST,
    roles: ['employee', 'sign_right'],
  },
  {
    id: 'solnyshko-head',
    role: 'staff',
    surname: 'Иванова',
    givenName: 'Ольга',
    patronymic: 'Петровна',
    nameLang: 'ru',
    birthDate: '1977-04-08',
    sex: 'female',
    serial: 1301,
    org: 'kg-solnyshko',
    position: HEAD,
    roles: ['employee', 'first_head'],
  },
  {
    id: 'solnyshko-methodist',
    role: 'staff',
    surname: 'Ким',
    givenName: 'Марина',
    patronymic: 'Викторовна',
    nameLang: 'ru',
    birthDate: '1988-12-12',
    sex: 'female',
    serial: 1302,
    org: 'kg-solnyshko',
    position: METHODIST,
    roles: ['employee', 'sign_right'],
  },
  // education department
  {
    id: 'clerk-saparova',
    role: 'clerk',
    surname: 'Сапарова',
    givenName: 'Айгерім',
    patronymic: 'Нұрланқызы',
    nameLang: 'kk',
    birthDate: '1990-02-25',
    sex: 'female',
    serial: 2101,
    org: 'edu-almaty',
    position: CLERK,
    roles: ['employee', 'sign_right'],
  },
  {
    id: 'clerk-petrov',
    role: 'clerk',
    surname: 'Петров',
    givenName: 'Андрей',
    patronymic: 'Сергеевич',
    nameLang: 'ru',
    birthDate: '1986-07-19',
    sex: 'male',
    serial: 2102,
    org: 'edu-almaty',
    position: CLERK,
    roles: ['employee', 'sign_right'],
  },
  {
    id: 'admin-serikbaev',
    role: 'admin',
    surname: 'Серікбаев',
    givenName: 'Данияр',
    patronymic: 'Асқарұлы',
    nameLang: 'kk',
    birthDate: '1991-10-05',
    sex: 'male',
    serial: 2201,
    org: 'edu-almaty',
    position: { kk: 'Жүйелік әкімші', ru: 'Системный администратор' },
    roles: ['employee', 'staff_member'],
  },
  // reviewers
  {
    id: 'phthisiatrician-mukanova',
    role: 'reviewer_phthisiatrician',
    surname: 'Мұқанова',
    givenName: 'Жанар',
    patronymic: 'Әмірқызы',
    nameLang: 'kk',
    birthDate: '1980-05-11',
    sex: 'female',
    serial: 3101,
    org: 'clinic-tb',
    position: { kk: 'Фтизиатр дәрігер', ru: 'Врач-фтизиатр' },
    roles: ['employee', 'sign_right'],
  },
  {
    id: 'pmpk-sidorenko',
    role: 'reviewer_pmpk',
    surname: 'Сидоренко',
    givenName: 'Елена',
    patronymic: 'Николаевна',
    nameLang: 'ru',
    birthDate: '1983-08-27',
    sex: 'female',
    serial: 3201,
    org: 'pmpk-1',
    position: { kk: 'ПМПК маманы', ru: 'Специалист ПМПК' },
    roles: ['employee', 'sign_right'],
  },
  // parents (individuals)
  {
    id: 'parent-akhmetov',
    role: 'parent',
    surname: 'Ахметов',
    givenName: 'Бауыржан',
    patronymic: 'Қанатұлы',
    nameLang: 'kk',
    birthDate: '1992-04-03',
    sex: 'male',
    serial: 4101,
    roles: ['individual'],
  },
  {
    id: 'parent-sultanova',
    role: 'parent',
    surname: 'Сұлтанова',
    givenName: 'Мәдина',
    patronymic: 'Ержанқызы',
    nameLang: 'kk',
    birthDate: '1995-09-15',
    sex: 'female',
    serial: 4102,
    roles: ['individual'],
  },
  {
    id: 'parent-kuznetsova',
    role: 'parent',
    surname: 'Кузнецова',
    givenName: 'Анна',
    patronymic: 'Игоревна',
    nameLang: 'ru',
    birthDate: '1993-01-28',
    sex: 'female',
    serial: 4103,
    roles: ['individual'],
  },
  {
    id: 'parent-zhumabekov',
    role: 'parent',
    surname: 'Жұмабеков',
    givenName: 'Нұрсұлтан',
    patronymic: 'Бақытұлы',
    nameLang: 'kk',
    birthDate: '2000-07-07',
    sex: 'male',
    serial: 4104,
    roles: ['individual'],
  },
  {
    id: 'parent-ismailova',
    role: 'parent',
    surname: 'Исмаилова',
    givenName: 'Камила',
    patronymic: null,
    nameLang: 'kk',
    birthDate: '2001-12-01',
    sex: 'female',
    serial: 4105,
    roles: ['individual'],
  },
  {
    id: 'parent-smirnov',
    role: 'parent',
    surname: 'Смирнов',
    givenName: 'Дмитрий',
    patronymic: 'Александрович',
    nameLang: 'ru',
    birthDate: '1989-03-09',
    sex: 'male',
    serial: 4106,
    roles: ['individual'],
  },
]

const FOLDER: Record<DemoRole, DemoFolder> = {
  staff: 'staff',
  clerk: 'clerk',
  reviewer_phthisiatrician: 'reviewer',
  reviewer_pmpk: 'reviewer',
  parent: 'parent',
  admin: 'admin',
}

const upper = (s: string): string => s.toLocaleUpperCase('kk-KZ')

function person(s: Spec): DemoPerson {
  return {
    id: s.id,
    role: s.role,
    folder: FOLDER[s.role],
    surname: s.surname,
    givenName: s.givenName,
    patronymic: s.patronymic,
    fullName: upper([s.surname, s.givenName, s.patronymic].filter(Boolean).join(' ')),
    displayName: [s.surname, s.givenName, s.patronymic].filter(Boolean).join(' '),
    nameLang: s.nameLang,
    birthDate: s.birthDate,
    sex: s.sex,
    iin: makeIin(s.birthDate, s.sex, s.serial),
    organizationId: s.org ?? null,
    position: s.position ?? null,
    roles: s.roles,
  }
}

export const DEMO_PEOPLE: readonly DemoPerson[] = SPECS.map(person)

/** The broken certificates under DIR/bad/ (each with an AUTH and a SIGN file). */
export type BadKind = 'expired' | 'not_yet_valid' | 'revoked' | 'wrong_usage' | 'foreign_ca'
export interface DemoBadPerson extends DemoPerson {
  bad: BadKind
}

const BAD_SPECS: ReadonlyArray<Spec & { bad: BadKind }> = [
  {
    bad: 'expired',
    id: 'expired',
    role: 'parent',
    surname: 'Омаров',
    givenName: 'Асқар',
    patronymic: 'Жомартұлы',
    nameLang: 'kk',
    birthDate: '1987-02-14',
    sex: 'male',
    serial: 9101,
    roles: ['individual'],
  },
  {
    bad: 'not_yet_valid',
    id: 'not-yet-valid',
    role: 'parent',
    surname: 'Ли',
    givenName: 'Виктория',
    patronymic: 'Олеговна',
    nameLang: 'ru',
    birthDate: '1996-10-10',
    sex: 'female',
    serial: 9102,
    roles: ['individual'],
  },
  {
    bad: 'revoked',
    id: 'revoked',
    role: 'staff',
    surname: 'Бекова',
    givenName: 'Алма',
    patronymic: 'Төлегенқызы',
    nameLang: 'kk',
    birthDate: '1984-05-05',
    sex: 'female',
    serial: 9103,
    org: 'kg-aigolek',
    position: METHODIST,
    roles: ['employee', 'sign_right'],
  },
  {
    bad: 'wrong_usage',
    id: 'wrong-usage',
    role: 'parent',
    surname: 'Тимофеев',
    givenName: 'Игорь',
    patronymic: 'Павлович',
    nameLang: 'ru',
    birthDate: '1990-08-08',
    sex: 'male',
    serial: 9104,
    roles: ['individual'],
  },
  {
    bad: 'foreign_ca',
    id: 'foreign-ca',
    role: 'staff',
    surname: 'Қасымов',
    givenName: 'Арман',
    patronymic: 'Серікұлы',
    nameLang: 'kk',
    birthDate: '1981-11-11',
    sex: 'male',
    serial: 9105,
    org: 'kg-baldyrgan',
    position: HEAD,
    roles: ['employee', 'first_head'],
  },
]

export const DEMO_BAD_PEOPLE: readonly DemoBadPerson[] = BAD_SPECS.map((s) => ({
  ...person(s),
  bad: s.bad,
}))

export const demoOrganization = (id: string | null): DemoOrganization | null =>
  DEMO_ORGANIZATIONS.find((o) => o.id === id) ?? null

/** The first person of a role (tests and demos). */
export function demoPerson(id: string): DemoPerson {
  const p = [...DEMO_PEOPLE, ...DEMO_BAD_PEOPLE].find((x) => x.id === id)
  if (!p) throw new RangeError(`no demo person ${id}`)
  return p
}
