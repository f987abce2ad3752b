-- The SQLite store keeps a paused word index's trigger here (see the SQLite migration);
-- PostgreSQL's trigram index needs no pause, and the table stays empty.
create table word_index_paused (
    name text primary key,
    sql text not null
);
