-- The public site's news: an article reports a session (or stands alone), drafted by an
-- editor and published by a leader. `status`: draft, review, published, withdrawn. A
-- visitor sees a published article whose session, if any, is published too
-- (`store/src/visible.rs`); `note` is the newsroom's and never leaves the staff pages.
-- `title_key` and `text_key` are the folded title and title + lead + body that searches read.
create table articles (
    id integer primary key,
    session_id integer constraint articles_session_fk references sessions (id),
    unit_id integer constraint articles_unit_fk references units (id),
    title text not null,
    title_key text not null,
    lead text not null,
    body text not null,
    text_key text not null,
    author text,
    note text,
    status text not null,
    published_at integer,
    updated_at integer not null,
    created_by integer constraint articles_creator_fk references users (id),
    version integer not null,
    created_at integer not null
);
create index articles_status_idx on articles (status, published_at);
create index articles_session_idx on articles (session_id);
create index articles_unit_idx on articles (unit_id, published_at);
