-- A person's deadlines as an iCalendar feed at a secret address: only the digest of the
-- secret is kept; making a new one revokes the old.
create table calendar_feeds (
    user_id bigint primary key constraint calendar_feeds_user_fk references users (id),
    token_hash text not null constraint calendar_feeds_token_key unique,
    created_at bigint not null
);
