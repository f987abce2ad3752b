-- Petitions sent by residents (the public form, Open311 clients). A submission waits for staff
-- (`pending`), then is `accepted` (as a new petition, or as one more raising of the petition
-- it joined: `petition_id`) or `rejected` with a reason the resident reads on the tracking
-- page. The resident follows it by its code; their address is kept only as a salted digest,
-- to count submissions per address. A new petition recorded from an accepted submission is
-- public (`petitions.published`, see `petitions::refresh_counts`).
create table submissions (
    id integer primary key,
    code text not null constraint submissions_code_key unique,
    text text not null,
    text_key text not null,
    ward_unit_id integer not null constraint submissions_ward_fk references units (id),
    category text not null,
    email text,
    photo_type text,
    photo blob,
    joins_petition_id integer constraint submissions_joins_fk references petitions (id),
    petition_id integer constraint submissions_petition_fk references petitions (id),
    status text not null,
    reason text,
    client_hash text not null,
    source text not null,
    created_at integer not null,
    decided_at integer,
    decided_by integer constraint submissions_decided_by_fk references users (id),
    version integer not null
);
create index submissions_queue_idx on submissions (status, ward_unit_id, id);
create index submissions_client_idx on submissions (client_hash, created_at);
create index submissions_petition_idx on submissions (petition_id) where petition_id is not null;

-- Secrets of this deployment that every node shares: the key of the form's human check and
-- the salt of client addresses. Made once, on first use.
create table site_secrets (
    name text primary key,
    value text not null,
    created_at integer not null
);

-- Open311 clients that may send petitions: only the digest of each key is kept.
create table open311_clients (
    id integer primary key,
    name text not null,
    key_hash text not null constraint open311_clients_key_key unique,
    created_by integer constraint open311_clients_user_fk references users (id),
    created_at integer not null,
    revoked_at integer
);

-- Mail to a resident who asked for news of their submission (no user behind the address):
-- one row per change told, claimed by one node before it is sent, as notices are.
create table submission_mail (
    id integer primary key,
    submission_id integer not null constraint submission_mail_submission_fk references submissions (id),
    event_key text not null,
    email text not null,
    -- pending, sent, failed (given up)
    state text not null,
    error text,
    created_at integer not null,
    claimed_until integer,
    sent_at integer,
    attempts integer not null,
    constraint submission_mail_once unique (submission_id, event_key)
);
create index submission_mail_due_idx on submission_mail (state, id);
