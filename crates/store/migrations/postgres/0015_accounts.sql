-- Passwords reset by a link mailed to the person (or handed over by an administrator): only
-- the digest of the link's secret is kept, it works once, and only until it expires.
create table password_resets (
    token_hash text primary key,
    user_id bigint not null constraint password_resets_user_fk references users (id),
    created_at bigint not null,
    expires_at bigint not null
);
create index password_resets_user_idx on password_resets (user_id, created_at);

-- A unit's deadlines as an iCalendar feed at a secret address, one per unit: making a new
-- one revokes the old. It shows what the person who made it may see, while they are active.
create table unit_calendar_feeds (
    unit_id bigint primary key constraint unit_calendar_feeds_unit_fk references units (id),
    token_hash text not null constraint unit_calendar_feeds_token_key unique,
    user_id bigint not null constraint unit_calendar_feeds_user_fk references users (id),
    created_at bigint not null
);
