-- Two-party closure: the assignee reports a directive done with its result, the issuer's side
-- accepts or returns it (with the reason), and evidence files back the result.

create table directive_steps (
    id integer primary key,
    directive_id integer not null constraint directive_steps_directive_fk references directives (id),
    action text not null,
    date text not null,
    text text,
    user_id integer constraint directive_steps_user_fk references users (id),
    at integer not null
);
create index directive_steps_directive_idx on directive_steps (directive_id, id);

-- Kept in the database, so that every node serves them and a backup holds them; at most a
-- few megabytes each, checked by their bytes, served only as attachments.
create table evidence (
    id integer primary key,
    directive_id integer not null constraint evidence_directive_fk references directives (id),
    name text not null,
    media_type text not null,
    size integer not null,
    data blob not null,
    user_id integer constraint evidence_user_fk references users (id),
    at integer not null
);
create index evidence_directive_idx on evidence (directive_id, id);
