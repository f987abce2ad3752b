-- Follow-up: what a person wants to hear of, what happened that a unit must hear of, what
-- each person was told (in the app and by mail), and the jobs that do it on one node at a time.

-- A person's address and choices. Existing accounts get mail on (once they give an address),
-- reminders 3 days before a deadline and the weekly digest, in Vietnamese.
alter table users add column email text;
alter table users add column language text not null default 'vi';
alter table users add column notify_mail integer not null default 1;
alter table users add column remind_days integer not null default 3;
alter table users add column weekly_digest integer not null default 1;

-- Written in the same transaction as the change it reports (an assignment, a return): the
-- follow-up job tells the unit's people and marks it handled. Nothing is lost between the
-- change and the telling, and a node that stops half-way leaves it to the next.
create table follow_events (
    id integer primary key,
    kind text not null,
    entity text not null,
    entity_id integer not null,
    unit_id integer not null constraint follow_events_unit_fk references units (id),
    user_id integer constraint follow_events_user_fk references users (id),
    detail text,
    at integer not null,
    handled_at integer
);
create index follow_events_pending_idx on follow_events (id) where handled_at is null;

-- What one person was told, once: (user, key) is unique, so that two nodes, or one run again
-- after a stop, cannot tell it twice. `mail` is none, pending, sent or failed.
create table notices (
    id integer primary key,
    user_id integer not null constraint notices_user_fk references users (id),
    key text not null,
    kind text not null,
    entity text not null,
    entity_id integer not null,
    title text not null,
    due_on text,
    detail text,
    at integer not null,
    read_at integer,
    mail text not null,
    mail_attempts integer not null,
    mail_lease_until integer,
    mail_sent_at integer,
    mail_error text,
    constraint notices_user_key unique (user_id, key)
);
create index notices_user_idx on notices (user_id, id);
create index notices_entity_idx on notices (entity, entity_id);
create index notices_mail_idx on notices (id) where mail = 'pending';

-- The scheduler: a job runs on the node that claims its row once it is due, until its lease
-- ends; the next due time is written when it finishes.
create table jobs (
    name text primary key,
    due_at integer not null,
    lease_owner text,
    lease_until integer,
    last_started_at integer,
    last_finished_at integer,
    last_error text,
    runs integer not null
);
