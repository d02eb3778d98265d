/**
 * The statistics reports computed by the central store from its own tables, over a
 * region (optionally a district): the same numbers the workstation computes from its
 * local mirror (src/main/reports/local.ts); test/reports/parity.test.ts compares them on
 * the demo city. Dates are Almaty dates (UTC+5, fixed offset since 2024-03-01).
 */
import { sql, type Kysely, type RawBuilder } from 'kysely'
import { QUEUE_OF_TYPE, finishRows, type Cell, type ReportFilters, type ReportId } from '../core/reports'

export interface ReportScope {
  regionId: string
  districtId?: string | null
}

const day = (col: string): RawBuilder<string> => sql.raw(`(((${col}) at time zone 'UTC') + interval '5 hours')::date`)

export async function storeReport(db: Kysely<any>, scope: ReportScope, id: ReportId, f: ReportFilters): Promise<Cell[][]> {
  const from = f.from ?? null
  const to = f.to ?? null
  const district = f.districtId ?? scope.districtId ?? null
  const type = f.kindergartenType ?? null
  const language = f.language ?? null
  const queue = f.kindergartenType ? QUEUE_OF_TYPE[f.kindergartenType] : null
  const period = (col: RawBuilder<unknown>) => sql`((${from}::date is null or ${col} >= ${from}::date) and (${to}::date is null or ${col} <= ${to}::date))`
  const lang = (col: RawBuilder<unknown>) => sql`(${language}::text is null or ${col} = ${language}::text)`
  const k = sql`k as (select id, type, district_id from kindergartens
                       where region_id = ${scope.regionId} and (${district}::text is null or district_id = ${district}::text)
                         and (${type}::text is null or type = ${type}::text))`
  const g = sql`g as (select gr.* from groups gr join k on k.id = gr.kindergarten_id where ${lang(sql.ref('gr.language'))})`
  const ref = sql`ref as (select r.*, ${day('r.issued_at')} as d, gr.language as lang from referrals r
                           join applications a on a.id = r.application_id and a.region_id = ${scope.regionId}
                           left join groups gr on gr.id = r.group_id)`
  const enr = sql`enr as (select e.*, ${day('e.enrolled_at')} as ed, ${day('e.departed_at')} as dd, gr.language as lang
                           from enrolments e left join groups gr on gr.id = e.group_id)`
  let q: RawBuilder<Record<string, unknown>>
  switch (id) {
    case 'kindergartens':
      q = sql`with ${k}, ${g},
        kl as (select * from k where ${language}::text is null or exists (select 1 from g where g.kindergarten_id = k.id)),
        s as (select kindergarten_id, count(*) as groups, sum(capacity) as places, sum(enrolled) as enrolled from g group by kindergarten_id)
        select kl.type as type, count(*)::int as kindergartens, coalesce(sum(s.groups), 0)::int as groups,
               coalesce(sum(s.places), 0)::int as places, coalesce(sum(s.enrolled), 0)::int as enrolled
          from kl left join s on s.kindergarten_id = kl.id group by kl.type order by kl.type collate "C"`
      break
    case 'allocated':
      q = sql`with ${k}, ${g}, ${ref},
        kl as (select * from k where ${language}::text is null or exists (select 1 from g where g.kindergarten_id = k.id)),
        s as (select kindergarten_id, sum(capacity) as places, sum(enrolled) as enrolled from g group by kindergarten_id),
        rs as (select kindergarten_id, count(*) filter (where status in ('active', 'arrived')) as referrals,
                      count(*) filter (where ${period(sql.ref('d'))}) as allocated
                 from ref where ${lang(sql.ref('lang'))} group by kindergarten_id)
        select kl.id as kindergarten, kl.district_id as district, kl.type as type, coalesce(s.places, 0)::int as places,
               coalesce(s.enrolled, 0)::int as enrolled, coalesce(rs.referrals, 0)::int as referrals, coalesce(rs.allocated, 0)::int as allocated
          from kl left join s on s.kindergarten_id = kl.id left join rs on rs.kindergarten_id = kl.id order by kl.id collate "C"`
      break
    case 'referrals':
      q = sql`with ${k}, ${ref}
        select to_char(ref.d, 'YYYY-MM-DD') as date, count(*)::int as issued, count(*) filter (where by_privilege)::int as "byPrivilege",
               count(*) filter (where status = 'active')::int as active, count(*) filter (where status in ('arrived', 'used'))::int as used,
               count(*) filter (where status in ('cancelled', 'revoked', 'lapsed'))::int as cancelled
          from ref join k on k.id = ref.kindergarten_id where ${period(sql.ref('ref.d'))} and ${lang(sql.ref('ref.lang'))}
         group by ref.d order by ref.d`
      break
    case 'queue':
      q = sql`with a as (select birth_year,
                  case when privilege is null or privilege_status = 'rejected' then 'none' else privilege end as priv
             from applications
            where region_id = ${scope.regionId} and (${district}::text is null or district_id = ${district}::text)
              and ${lang(sql.ref('language'))} and (${queue}::text is null or queue_type = ${queue}::text)
              and ${period(day('registered_at'))} and status in ('in_queue', 'notified'))
        select birth_year as "birthYear", count(*) filter (where priv = 'none')::int as none,
               count(*) filter (where priv = 'first_priority')::int as "firstPriority",
               count(*) filter (where priv = 'out_of_turn')::int as "outOfTurn", count(*)::int as total
          from a group by birth_year order by birth_year`
      break
    case 'bulletin':
      q = sql`with ${k}, vac as (select v.*, coalesce(v.release_date, ${day('v.published_at')}) as d from vacancies v)
        select to_char(vac.d, 'YYYY-MM-DD') as date, count(*)::int as vacancies, sum(vac.places)::int as places, sum(vac.taken)::int as taken
          from vac join k on k.id = vac.kindergarten_id
         where vac.status <> 'withdrawn' and ${period(sql.ref('vac.d'))} and ${lang(sql.ref('vac.language'))}
         group by vac.d order by vac.d`
      break
    case 'occupancy':
      q = sql`with ${k}, ${g}
        select g.kindergarten_id as kindergarten, g.id as "group", g.language as language, g.capacity as capacity, g.enrolled as enrolled
          from g order by g.kindergarten_id collate "C", g.id collate "C"`
      break
    case 'movement': {
      const dep = sql`(enr.dd is not null and ${period(sql.ref('enr.dd'))})`
      q = sql`with ${k}, ${enr}
        select enr.kindergarten_id as kindergarten, count(*) filter (where ${period(sql.ref('enr.ed'))})::int as enrolled,
               count(*) filter (where ${dep})::int as departed,
               count(*) filter (where ${dep} and departure_reason = 'parents_request')::int as departed_parents_request,
               count(*) filter (where ${dep} and departure_reason = 'moved')::int as departed_moved,
               count(*) filter (where ${dep} and departure_reason = 'school')::int as departed_school,
               count(*) filter (where ${dep} and departure_reason = 'health')::int as departed_health,
               count(*) filter (where ${dep} and departure_reason = 'transfer')::int as departed_transfer,
               count(*) filter (where ${dep} and departure_reason = 'other')::int as departed_other
          from enr join k on k.id = enr.kindergarten_id where ${lang(sql.ref('enr.lang'))}
         group by enr.kindergarten_id
        having count(*) filter (where ${period(sql.ref('enr.ed'))}) + count(*) filter (where ${dep}) > 0
         order by enr.kindergarten_id collate "C"`
      break
    }
  }
  const r = await q.execute(db)
  return finishRows(id, r.rows)
}
