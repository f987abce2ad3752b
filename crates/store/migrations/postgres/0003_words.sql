-- A trigram index of petitions' folded text, for searches whose words are in few of them:
-- a `like '%word%'` walks every petition when nothing matches, and the planner reads this
-- index instead when it pays. pg_trgm ships with PostgreSQL and is a trusted extension (the
-- database's owner may create it); where it cannot be created, searches still work, by a
-- walk.
do $$
begin
    create extension if not exists pg_trgm;
exception when others then
    raise notice 'pg_trgm is not available: petition searches walk the table';
end
$$;

do $$
begin
    if exists (select 1 from pg_extension where extname = 'pg_trgm') then
        create index petitions_words_idx on petitions using gin (text_key gin_trgm_ops);
    end if;
end
$$;
