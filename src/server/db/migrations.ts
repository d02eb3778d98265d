/**
 * Schema migrations, statically imported (no filesystem scanning, so bundling works).
 * SQL is written for PostgreSQL 15 (Debian) and also runs on PGlite (PostgreSQL 18).
 * Applied in one transaction under a transaction-level advisory lock, so several
 * instances starting at once apply each migration exactly once.
 */
import { sql, type Kysely } from 'kysely'

export interface Migration {
  id: number
  name: string
  sql: string
  /** one statement (a function body with semicolons): do not split */
  whole?: boolean
}

export const MIGRATION_LOCK = 724_001

const m001 = `
create table regions (
  id text primary key,
  name_kk text not null,
  name_ru text not null
);
create table districts (
  id text primary key,
  region_id text not null references regions(id),
  name_kk text not null,
  name_ru text not null
);
create table kindergartens (
  id text primary key,
  bin char(12) not null unique,
  name_kk text not null,
  name_ru text not null,
  type text not null check (type in ('state','private','private_state_order','sanatorium','special')),
  correction_types text[] not null default '{}',
  languages text[] not null default '{}',
  region_id text not null references regions(id),
  district_id text not null references districts(id),
  address text not null,
  lat double precision,
  lon double precision,
  head_name text not null,
  phone text not null,
  updated_at timestamptz not null default now()
);
create table groups (
  id text primary key,
  kindergarten_id text not null references kindergartens(id),
  name text not null,
  age_group text not null,
  birth_years int[] not null,
  language text not null check (language in ('kk','ru')),
  group_type text not null default 'day',
  correction_type text,
  capacity int not null check (capacity >= 0),
  enrolled int not null default 0 check (enrolled >= 0),
  updated_at timestamptz not null default now()
);
create index groups_kg on groups(kindergarten_id);
create table applicants (
  id text primary key,
  iin char(12) not null unique,
  full_name text not null,
  birth_date date,
  phone text,
  email text,
  address text
);
create table children (
  id text primary key,
  iin char(12) not null unique,
  full_name text not null,
  birth_date date not null,
  applicant_id text not null references applicants(id)
);
create table applications (
  id text primary key,
  number text not null unique,
  child_id text not null references children(id),
  applicant_id text not null references applicants(id),
  queue_type text not null check (queue_type in ('general','sanatorium','private_state_order','special_voucher')),
  region_id text not null references regions(id),
  district_id text not null references districts(id),
  language text not null check (language in ('kk','ru')),
  birth_year int not null,
  registered_at timestamptz not null,
  status text not null,
  privilege text check (privilege in ('out_of_turn','first_priority')),
  privilege_status text check (privilege_status in ('pending','confirmed','rejected')),
  correction_type text,
  desired_kindergartens text[] not null default '{}',
  stop_list_until timestamptz,
  lapsed_referrals int not null default 0,
  turn_deadline timestamptz,
  updated_at timestamptz not null default now(),
  version int not null default 1
);
create index applications_queue on applications(region_id, queue_type, birth_year, registered_at);
create index applications_stop on applications(stop_list_until) where stop_list_until is not null;
create index applications_turn on applications(turn_deadline) where turn_deadline is not null;
create index applications_child on applications(child_id);
create table privilege_documents (
  id text primary key,
  application_id text not null references applications(id),
  kind text not null,
  issued_on date not null,
  file_ref text,
  status text not null default 'pending' check (status in ('pending','confirmed','rejected'))
);
create table vacancies (
  id text primary key,
  kindergarten_id text not null references kindergartens(id),
  group_id text not null references groups(id),
  birth_years int[] not null,
  language text not null,
  places int not null check (places > 0),
  taken int not null default 0 check (taken >= 0),
  place_type text not null default 'permanent',
  release_date date,
  published_at timestamptz not null,
  bids_from timestamptz not null,
  status text not null check (status in ('published','withdrawn','filled')),
  published_by char(12) not null,
  updated_at timestamptz not null default now(),
  check (taken <= places)
);
create index vacancies_kg on vacancies(kindergarten_id);
create table bids (
  id text primary key,
  vacancy_id text not null references vacancies(id),
  application_id text not null references applications(id),
  kindergarten_id text not null references kindergartens(id),
  status text not null check (status in ('sent','activated','rejected','withdrawn')),
  created_at timestamptz not null,
  decided_at timestamptz,
  unique (vacancy_id, application_id)
);
create index bids_app on bids(application_id);
create table referrals (
  id text primary key,
  application_id text not null references applications(id),
  kindergarten_id text not null references kindergartens(id),
  group_id text references groups(id),
  vacancy_id text references vacancies(id),
  bid_id text references bids(id),
  issued_at timestamptz not null,
  expires_at timestamptz not null,
  status text not null check (status in ('active','arrived','used','cancelled','revoked','lapsed')),
  extended boolean not null default false,
  by_privilege boolean not null default false,
  hidden boolean not null default false,
  updated_at timestamptz not null default now()
);
create index referrals_app on referrals(application_id);
create index referrals_due on referrals(expires_at) where status = 'active';
create table contracts (
  id text primary key,
  referral_id text references referrals(id),
  voucher_id text,
  application_id text not null references applications(id),
  kindergarten_id text not null references kindergartens(id),
  group_id text references groups(id),
  status text not null check (status in ('draft','sent','parent_signed','signed','cancelled')),
  body jsonb not null,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create table contract_signatures (
  id bigserial primary key,
  contract_id text not null references contracts(id),
  signer_role text not null check (signer_role in ('parent','kindergarten')),
  signer_iin char(12) not null,
  cms bytea not null,
  signed_at timestamptz not null
);
create table enrolments (
  id text primary key,
  child_id text not null references children(id),
  application_id text references applications(id),
  kindergarten_id text not null references kindergartens(id),
  group_id text not null references groups(id),
  enrolled_at timestamptz not null,
  departed_at timestamptz,
  departure_reason text
);
create unique index enrolments_one_active on enrolments(child_id) where departed_at is null;
create table vouchers (
  id text primary key,
  application_id text not null references applications(id),
  status text not null check (status in ('issued','interest_confirmed','used','cancelled','declined')),
  issued_at timestamptz not null,
  confirm_by timestamptz not null,
  choose_by timestamptz,
  extended boolean not null default false,
  updated_at timestamptz not null
);
create index vouchers_app on vouchers(application_id);
create table reviewer_decisions (
  id text primary key,
  application_id text not null references applications(id),
  reviewer_iin char(12) not null,
  reviewer_name text not null,
  reviewer_role text not null,
  decision text not null check (decision in ('confirmed','rejected')),
  reason text,
  decided_at timestamptz not null
);
create table staff_accounts (
  iin char(12) primary key,
  full_name text not null,
  role text not null check (role in ('kindergarten_staff','clerk','reviewer_phthisiatrician','reviewer_pmpk','admin')),
  kindergarten_id text references kindergartens(id),
  region_id text references regions(id),
  district_id text references districts(id),
  disabled boolean not null default false
);
create table auth_challenges (
  nonce text primary key,
  expires_at timestamptz not null,
  used_at timestamptz
);
create table sessions (
  token_hash text primary key,
  kind text not null check (kind in ('staff','parent')),
  iin char(12) not null,
  full_name text not null,
  role text not null,
  kindergarten_id text,
  region_id text,
  district_id text,
  created_at timestamptz not null,
  last_seen_at timestamptz not null,
  expires_at timestamptz not null,
  revoked_at timestamptz
);
create table client_seqs (
  client_id text primary key,
  actor_iin char(12) not null,
  last_seq bigint not null default 0
);
create table processed_commands (
  id uuid primary key,
  client_id text not null,
  seq bigint not null,
  type text not null,
  actor_iin char(12) not null,
  answer jsonb not null,
  processed_at timestamptz not null
);
create table legal_acts (
  id bigserial primary key,
  command_id uuid not null,
  type text not null,
  actor_iin char(12) not null,
  payload_hash text not null,
  cms bytea not null,
  signed_at timestamptz not null
);
create table change_log (
  id bigserial primary key,
  cursor bigint unique,
  entity text not null,
  entity_id text not null,
  op text not null check (op in ('upsert','delete')),
  data jsonb,
  kindergarten_id text,
  region_id text,
  district_id text,
  queue_type text,
  at timestamptz not null
);
create index change_log_pending on change_log(id) where cursor is null;
create index change_log_kg on change_log(kindergarten_id, cursor);
create index change_log_region on change_log(region_id, cursor);
create table notifications_outbox (
  id bigserial primary key,
  application_id text,
  recipient_iin char(12) not null,
  phone text,
  email text,
  event text not null,
  params jsonb not null,
  text_kk text not null,
  text_ru text not null,
  status text not null default 'pending' check (status in ('pending','sent')),
  attempts int not null default 0,
  next_attempt_at timestamptz not null,
  last_error text,
  created_at timestamptz not null,
  sent_at timestamptz
);
create index outbox_due on notifications_outbox(next_attempt_at) where status = 'pending';
create table audit_log (
  row_id bigserial primary key,
  id bigint unique,
  at timestamptz not null,
  actor_iin char(12) not null,
  command_id text not null,
  type text not null,
  payload_hash text not null,
  signature text,
  digest text not null,
  prev_hash text,
  hash text
);
create index audit_log_pending on audit_log(row_id) where id is null;
create table calendar (
  id text primary key,
  data jsonb not null,
  updated_at timestamptz not null
);
create table rate_limits (
  key text not null,
  window_start timestamptz not null,
  hits int not null,
  primary key (key, window_start)
);
create table sweeper_runs (
  id bigserial primary key,
  at timestamptz not null,
  applied int not null
);
`

/**
 * The sequencer. Writers insert change-feed rows and audit entries without a cursor or a
 * chain position; `bq_sequence()` (called by each writer right after its COMMIT, by the
 * sweeper, and by `bq audit verify`) assigns both to every committed pending row under
 * one advisory lock held until its own COMMIT. Cursors are therefore given only to
 * committed rows and become visible in strictly increasing order: a reader never sees
 * cursor n+1 while a transaction that could still get n is in flight (the classic gap
 * problem of sequences), and writers never serialise their own commits behind a lock.
 * An audit entry's hash is sha256("<id>:<prev_hash>:<digest>"), digest being the
 * store's hash of the entry's own fields (see work.ts).
 */
const m002 = `
create or replace function bq_sequence() returns bigint
language plpgsql as $fn$
declare
  v_max bigint;
  v_k text[];
  v_r text[];
  v_prev_id bigint;
  v_prev_hash text;
  v_hash text;
  a record;
begin
  perform pg_advisory_xact_lock(724002);
  with p as (
    select id, row_number() over (order by id) as rn from change_log where cursor is null
  ), b as (
    select coalesce(max(cursor), 0) as base from change_log
  ), u as (
    update change_log c set cursor = b.base + p.rn from p, b where c.id = p.id
    returning c.cursor, c.kindergarten_id, c.region_id
  )
  select max(cursor), array_agg(distinct kindergarten_id) filter (where kindergarten_id is not null),
         array_agg(distinct region_id) filter (where region_id is not null)
    into v_max, v_k, v_r from u;
  select id, hash into v_prev_id, v_prev_hash from audit_log where id is not null order by id desc limit 1;
  if v_prev_id is null then
    v_prev_id := 0;
    v_prev_hash := repeat('0', 64);
  end if;
  for a in select row_id, digest from audit_log where id is null order by row_id loop
    v_prev_id := v_prev_id + 1;
    v_hash := encode(sha256(convert_to(v_prev_id::text || ':' || v_prev_hash || ':' || a.digest, 'UTF8')), 'hex');
    update audit_log set id = v_prev_id, prev_hash = v_prev_hash, hash = v_hash where row_id = a.row_id;
    v_prev_hash := v_hash;
  end loop;
  if v_max is not null then
    if coalesce(array_length(v_k, 1), 0) + coalesce(array_length(v_r, 1), 0) > 300 then
      perform pg_notify('bq_changes', json_build_object('c', v_max, 'all', true)::text);
    else
      perform pg_notify('bq_changes', json_build_object('c', v_max, 'k', coalesce(v_k, '{}'), 'r', coalesce(v_r, '{}'))::text);
    end if;
  end if;
  return coalesce(v_max, 0);
end
$fn$`

const m005 = `
alter table legal_acts add column payload jsonb;
alter table bids add column out_of_rank_reason text;
alter table enrolments add column transferred_at timestamptz;
alter table enrolments add column transferred_from text references groups(id);
create table attachment_blobs (
  sha256 text primary key check (sha256 ~ '^[0-9a-f]{64}$'),
  content_type text not null check (content_type in ('application/pdf','image/jpeg')),
  bytes int not null check (bytes > 0),
  data bytea not null,
  uploaded_by char(12) not null,
  uploaded_at timestamptz not null
);
create table contract_attachments (
  id text primary key,
  contract_id text not null references contracts(id),
  kindergarten_id text not null references kindergartens(id),
  kind text not null,
  file_name text not null,
  content_type text not null,
  bytes int not null,
  sha256 text not null references attachment_blobs(sha256),
  added_by char(12) not null,
  added_at timestamptz not null
);
create index contract_attachments_contract on contract_attachments(contract_id)
`

/**
 * The sequencer, cheaper per run (measured: about half of PostgreSQL's CPU per command
 * went to it). Same result as m002: the pending partial indexes are read with index
 * scans, which mark the entries of rows already sequenced as dead so they are skipped
 * from then on (a bitmap scan never does, and re-read every such row until VACUUM), and
 * the audit chain is written with one UPDATE instead of one per entry.
 */
const m006 = `
create or replace function bq_sequence() returns bigint
language plpgsql
set enable_bitmapscan = off
as $fn$
declare
  v_max bigint;
  v_k text[];
  v_r text[];
  v_prev_id bigint;
  v_prev_hash text;
  v_hash text;
  a record;
  r_rows bigint[] := '{}';
  r_ids bigint[] := '{}';
  r_prev text[] := '{}';
  r_hash text[] := '{}';
begin
  perform pg_advisory_xact_lock(724002);
  with p as (
    select id, row_number() over (order by id) as rn from change_log where cursor is null
  ), b as (
    select coalesce(max(cursor), 0) as base from change_log
  ), u as (
    update change_log c set cursor = b.base + p.rn from p, b where c.id = p.id
    returning c.cursor, c.kindergarten_id, c.region_id
  )
  select max(cursor), array_agg(distinct kindergarten_id) filter (where kindergarten_id is not null),
         array_agg(distinct region_id) filter (where region_id is not null)
    into v_max, v_k, v_r from u;
  select id, hash into v_prev_id, v_prev_hash from audit_log where id is not null order by id desc limit 1;
  if v_prev_id is null then
    v_prev_id := 0;
    v_prev_hash := repeat('0', 64);
  end if;
  for a in select row_id, digest from audit_log where id is null order by row_id loop
    v_prev_id := v_prev_id + 1;
    v_hash := encode(sha256(convert_to(v_prev_id::text || ':' || v_prev_hash || ':' || a.digest, 'UTF8')), 'hex');
    r_rows := array_append(r_rows, a.row_id);
    r_ids := array_append(r_ids, v_prev_id);
    r_prev := array_append(r_prev, v_prev_hash);
    r_hash := array_append(r_hash, v_hash);
    v_prev_hash := v_hash;
  end loop;
  if cardinality(r_rows) > 0 then
    update audit_log l set id = u.id, prev_hash = u.prev, hash = u.hash
      from unnest(r_rows, r_ids, r_prev, r_hash) as u(row_id, id, prev, hash)
     where l.row_id = u.row_id;
  end if;
  if v_max is not null then
    if coalesce(array_length(v_k, 1), 0) + coalesce(array_length(v_r, 1), 0) > 300 then
      perform pg_notify('bq_changes', json_build_object('c', v_max, 'all', true)::text);
    else
      perform pg_notify('bq_changes', json_build_object('c', v_max, 'k', coalesce(v_k, '{}'), 'r', coalesce(v_r, '{}'))::text);
    end if;
  end if;
  return coalesce(v_max, 0);
end
$fn$`

/**
 * The attendance register (issue 11, docs/api.md): daily marks per enrolment and day, the
 * kindergartens' signed month closes (locked by the sweeper after the parents' window),
 * the parents' answers (a dispute is an answer with a status, resolved by a clerk) and the
 * funding rates per kindergarten type.
 */
const m011 = `
create table attendance_marks (
  id text primary key,
  enrolment_id text not null references enrolments(id),
  kindergarten_id text not null references kindergartens(id),
  group_id text references groups(id),
  date date not null,
  status text not null check (status in ('present','absent')),
  reason text check (reason in ('illness','family_leave','summer_leave','quarantine','other')),
  document_sha256 text references attachment_blobs(sha256),
  marked_by char(12) not null,
  marked_by_name text not null,
  marked_at timestamptz not null,
  corrected_by char(12),
  corrected_by_name text,
  corrected_at timestamptz,
  correction_reason text,
  check ((status = 'present' and reason is null) or (status = 'absent' and reason is not null)),
  unique (enrolment_id, date)
);
create index attendance_marks_kg_date on attendance_marks(kindergarten_id, date);
create table attendance_months (
  id text primary key,
  kindergarten_id text not null references kindergartens(id),
  month char(7) not null,
  closed_at timestamptz not null,
  closed_by char(12) not null,
  closed_by_name text not null,
  command_id text not null,
  window_end timestamptz not null,
  locked_at timestamptz,
  unique (kindergarten_id, month)
);
create index attendance_months_unlocked on attendance_months(window_end) where locked_at is null;
create table attendance_answers (
  id text primary key,
  enrolment_id text not null references enrolments(id),
  kindergarten_id text not null references kindergartens(id),
  month char(7) not null,
  answer text not null check (answer in ('approve','dispute')),
  comment text,
  answered_by char(12) not null,
  answered_at timestamptz not null,
  dispute_status text check (dispute_status in ('open','resolved')),
  decision text check (decision in ('upheld','rejected')),
  resolution_reason text,
  resolved_by char(12),
  resolved_by_name text,
  resolved_at timestamptz,
  resolve_command_id text,
  unique (enrolment_id, month)
);
create index attendance_answers_kg_month on attendance_answers(kindergarten_id, month);
create table attendance_rates (
  kindergarten_type text primary key check (kindergarten_type in ('state','private','private_state_order','sanatorium','special')),
  unit text not null check (unit in ('day','month')),
  amount_tenge numeric(12,2) not null check (amount_tenge >= 0),
  updated_at timestamptz not null
)
`

export const migrations: Migration[] = [
  { id: 1, name: 'initial schema', sql: m001 },
  {
    id: 2,
    name: 'bq_sequence: feed cursors and audit chain for committed rows',
    sql: m002,
    whole: true,
  },
  {
    // the feed only stores and hands out rows: json keeps their text, so serving a page
    // copies text instead of printing jsonb (the bulk sync's largest server-side cost)
    id: 3,
    name: 'change_log.data as json text',
    sql: 'alter table change_log alter column data type json using data::json',
  },
  {
    id: 4,
    name: 'applications.restored_once: an inactive voucher application is restored once',
    sql: 'alter table applications add column restored_once boolean not null default false',
  },
  {
    // legal acts keep the payload that was signed (the CMS can be checked again later);
    // an out-of-rank activation's written reason; transfers between groups; scans of the
    // enrolment documents kept with their contract (files by SHA-256, uploaded first)
    id: 5,
    name: 'legal act payloads, out-of-rank reasons, transfers, contract attachments',
    sql: m005,
  },
  { id: 6, name: 'bq_sequence: index scans of the pending rows, one audit update', sql: m006, whole: true },
  {
    // a place returned to a filled entry reopens it to the queue with a fresh T1 window
    // (core's returnPlace); a private state-order choice takes the application out of the
    // queue (core's leftQueue)
    id: 7,
    name: 'vacancies.queue_opened_at, applications.left_queue',
    sql: `alter table vacancies add column queue_opened_at timestamptz;
alter table applications add column left_queue boolean not null default false`,
  },
  {
    // the referral's QR carries the SHA-256 of the activation's CMS (legal_acts.cms), so a
    // printed referral points at the signed act; null for referrals issued without one
    id: 8,
    name: 'referrals.act_sha256',
    sql: `alter table referrals add column act_sha256 text`,
  },
  {
    // yearly operations (src/core/yearly.ts): the re-confirmation of interest, why an
    // application is inactive or archived, the campaigns, the regions' bulletin pauses and
    // the history of runs
    id: 9,
    name: 'yearly operations: interest campaigns, bulletin pauses, yearly runs',
    sql: `alter table applications add column interest_confirmed_at timestamptz;
alter table applications add column status_reason text;
create table interest_campaigns (
  id text primary key,
  region_id text not null references regions(id),
  opened_at timestamptz not null,
  deadline timestamptz not null,
  opened_by char(12) not null,
  closed_at timestamptz,
  inactivated int
);
create index interest_campaigns_due on interest_campaigns(deadline) where closed_at is null;
create table bulletin_pauses (
  region_id text primary key references regions(id),
  paused_at timestamptz,
  paused_by text,
  updated_at timestamptz not null
);
create table yearly_runs (
  id text primary key,
  kind text not null check (kind in ('regroup','campaign_open','campaign_close','bulletin_pause','bulletin_resume')),
  region_id text not null references regions(id),
  actor_iin char(12) not null,
  actor_name text not null,
  run_at timestamptz not null,
  params jsonb not null default '{}',
  result jsonb not null default '{}',
  command_id text
);
create index yearly_runs_region on yearly_runs(region_id, run_at)`,
  },
  {
    // an application's documents (the special queue's PMPK conclusion or medical report, a
    // privilege's papers) as real files: uploaded by their SHA-256 first, like contract
    // scans; PNG images accepted besides PDF and JPEG
    id: 10,
    name: 'privilege_documents.sha256 and file_name, PNG attachments',
    sql: `alter table attachment_blobs drop constraint attachment_blobs_content_type_check;
alter table attachment_blobs add constraint attachment_blobs_content_type_check check (content_type in ('application/pdf','image/jpeg','image/png'));
alter table privilege_documents add column sha256 text references attachment_blobs(sha256);
alter table privilege_documents add column file_name text`,
  },
  { id: 11, name: 'attendance register: marks, month closes, parents answers and disputes, rates', sql: m011 },
  {
    id: 12,
    // lookups by these columns ran as sequential scans (pg_stat_user_tables after
    // `npm run bench -- server`: 40,001 scans of privilege_documents while seeding, every
    // capacity edit summing the group's vacancies over all of the kindergarten's)
    name: 'indexes for lookups by application, group, contract and applicant',
    sql: `create index privilege_documents_app on privilege_documents(application_id);
create index vacancies_group_published on vacancies(group_id) where status = 'published';
create index contracts_app on contracts(application_id);
create index contract_signatures_contract on contract_signatures(contract_id);
create index reviewer_decisions_app on reviewer_decisions(application_id);
create index children_applicant on children(applicant_id);
create index applications_applicant on applications(applicant_id)`,
  },
]

/** Apply pending migrations; safe when several instances start at once. */
export async function migrate(db: Kysely<any>): Promise<number> {
  return db.transaction().execute(async (tx) => {
    await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK})`.execute(tx)
    await sql`create table if not exists schema_migrations (id int primary key, name text not null, applied_at timestamptz not null default now())`.execute(
      tx,
    )
    const done = await sql<{ id: number }>`select id from schema_migrations`.execute(tx)
    const have = new Set(done.rows.map((r) => Number(r.id)))
    let applied = 0
    for (const m of migrations) {
      if (have.has(m.id)) continue
      // one statement at a time: PGlite's extended protocol takes a single statement
      for (const stmt of m.whole ? [m.sql] : m.sql.split(/;\s*\n/)) {
        if (stmt.trim()) await sql.raw(stmt).execute(tx)
      }
      await sql`insert into schema_migrations (id, name) values (${m.id}, ${m.name})`.execute(tx)
      applied++
    }
    return applied
  })
}
