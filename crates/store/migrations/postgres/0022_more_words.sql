-- Trigram indexes of directives', sessions' and news' folded text, as petitions have one
-- (0003): the public search looks in all four, and a `like '%word%'` on a rare word walks
-- every row. Where pg_trgm could not be created, searches still work, by a walk.
do $$
begin
    if exists (select 1 from pg_extension where extname = 'pg_trgm') then
        create index directives_words_idx on directives using gin (text_key gin_trgm_ops);
        create index sessions_words_idx on sessions using gin (title_key gin_trgm_ops);
        create index articles_words_idx on articles using gin (text_key gin_trgm_ops);
    end if;
end
$$;
