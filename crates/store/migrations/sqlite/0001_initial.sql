-- dondoc's first schema. Portable conventions (see ARCHITECTURE.md): flags as integer 0/1,
-- instants as epoch milliseconds, calendar dates as YYYY-MM-DD text, JSON as text, no
-- database-side defaults for times, named constraints, *_key columns hold folded search keys.

create table units (
    id integer primary key,
    parent_id integer constraint units_parent_fk references units (id),
    kind text not null,
    name text not null,
    short_name text,
    name_key text not null,
    dissolved_on text,
    merged_into integer constraint units_merged_fk references units (id),
    version integer not null,
    created_at integer not null
);
create index units_parent_idx on units (parent_id);

create table users (
    id integer primary key,
    login text not null constraint users_login_key unique,
    display_name text not null,
    password_hash text not null,
    role text not null,
    unit_id integer constraint users_unit_fk references units (id),
    active integer not null,
    version integer not null,
    created_at integer not null
);

create table api_tokens (
    id integer primary key,
    user_id integer not null constraint api_tokens_user_fk references users (id),
    name text not null,
    token_hash text not null constraint api_tokens_hash_key unique,
    created_at integer not null,
    last_used_at integer
);

create table people (
    id integer primary key,
    name text not null,
    name_key text not null,
    version integer not null,
    created_at integer not null
);

create table positions (
    id integer primary key,
    person_id integer not null constraint positions_person_fk references people (id),
    unit_id integer constraint positions_unit_fk references units (id),
    title text not null,
    from_date text,
    to_date text
);
create index positions_person_idx on positions (person_id);

create table documents (
    id integer primary key,
    kind text not null,
    number text,
    date text,
    issuer text,
    subject text,
    version integer not null,
    created_at integer not null
);

create table sessions (
    id integer primary key,
    date text not null,
    place text,
    title text not null,
    title_key text not null,
    host_unit_id integer not null constraint sessions_host_fk references units (id),
    delegation_name text,
    lead_person_id integer constraint sessions_lead_fk references people (id),
    summary text,
    source_text text,
    published integer not null,
    version integer not null,
    created_at integer not null
);
create index sessions_date_idx on sessions (date);

create table session_participants (
    session_id integer not null constraint participants_session_fk references sessions (id),
    person_id integer not null constraint participants_person_fk references people (id),
    role text not null,
    constraint participants_pk primary key (session_id, person_id)
);

create table session_documents (
    session_id integer not null constraint session_documents_session_fk references sessions (id),
    document_id integer not null constraint session_documents_document_fk references documents (id),
    constraint session_documents_pk primary key (session_id, document_id)
);

create table targets (
    id integer primary key,
    unit_id integer not null constraint targets_unit_fk references units (id),
    indicator text not null,
    measure text not null,
    period_from text not null,
    period_to text not null,
    plan_value real not null,
    document_id integer constraint targets_document_fk references documents (id),
    approved integer not null,
    version integer not null,
    created_at integer not null
);

create table measurements (
    id integer primary key,
    target_id integer not null constraint measurements_target_fk references targets (id),
    period_from text not null,
    period_to text not null,
    value real not null,
    qualifier text not null,
    estimated integer not null,
    session_id integer constraint measurements_session_fk references sessions (id),
    wording text,
    created_at integer not null
);
create index measurements_target_idx on measurements (target_id);

create table amendments (
    id integer primary key,
    target_id integer not null constraint amendments_target_fk references targets (id),
    old_value real not null,
    new_value real not null,
    reason text not null,
    user_id integer constraint amendments_user_fk references users (id),
    at integer not null
);

create table petitions (
    id integer primary key,
    title text not null,
    text text not null,
    text_key text not null,
    category text,
    area_unit_id integer constraint petitions_area_fk references units (id),
    raised_by text,
    responsible_unit_id integer constraint petitions_responsible_fk references units (id),
    due_on text,
    answer text,
    reject_reason text,
    status text not null,
    version integer not null,
    created_at integer not null
);
create index petitions_status_idx on petitions (status);

create table raisings (
    id integer primary key,
    petition_id integer not null constraint raisings_petition_fk references petitions (id),
    session_id integer constraint raisings_session_fk references sessions (id),
    date text not null,
    raised_by text,
    created_at integer not null
);
create index raisings_petition_idx on raisings (petition_id);

create table directives (
    id integer primary key,
    session_id integer constraint directives_session_fk references sessions (id),
    text text not null,
    text_key text not null,
    issued_by_person_id integer constraint directives_issuer_fk references people (id),
    lead_unit_id integer constraint directives_lead_fk references units (id),
    deadline text,
    deadline_text text,
    status text not null,
    done_on text,
    progress_percent integer not null,
    version integer not null,
    created_at integer not null
);
create index directives_deadline_idx on directives (status, deadline);

create table directive_units (
    directive_id integer not null constraint directive_units_directive_fk references directives (id),
    unit_id integer not null constraint directive_units_unit_fk references units (id),
    constraint directive_units_pk primary key (directive_id, unit_id)
);

create table progress_reports (
    id integer primary key,
    directive_id integer not null constraint progress_directive_fk references directives (id),
    date text not null,
    percent integer not null,
    text text not null,
    user_id integer constraint progress_user_fk references users (id),
    at integer not null
);

create table extensions (
    id integer primary key,
    directive_id integer not null constraint extensions_directive_fk references directives (id),
    old_deadline text,
    new_deadline text not null,
    reason text not null,
    approved_by integer constraint extensions_user_fk references users (id),
    at integer not null
);

create table audit_events (
    id integer primary key,
    at integer not null,
    user_id integer constraint audit_user_fk references users (id),
    entity text not null,
    entity_id integer not null,
    action text not null,
    before_json text,
    after_json text
);
create index audit_entity_idx on audit_events (entity, entity_id);

-- Web sessions and login throttling live here, not in a process, so that several app nodes
-- on one PostgreSQL agree on them.
create table http_sessions (
    id text primary key,
    data text not null,
    expiry_ms integer not null
);

create table login_failures (
    id integer primary key,
    key text not null,
    at integer not null
);
create index login_failures_key_idx on login_failures (key, at);
