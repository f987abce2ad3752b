-- Word indexes of directives, sessions and news, as petitions have one (0003): the public
-- search looks in all four, and a `like '%word%'` on a rare word walks every directive in
-- the list's order (100 ms at 100,000). Each is read the way `petitions_words` is
-- (`crate::words`), kept by triggers in the transaction that writes the text, and paused
-- during a bulk load like it (`Store::pause_word_index`).
create virtual table directives_words using fts5 (
    text_key,
    content = 'directives',
    content_rowid = 'id',
    tokenize = 'trigram',
    detail = 'none'
);
insert into directives_words (directives_words) values ('rebuild');

create trigger directives_words_insert after insert on directives begin
    insert into directives_words (rowid, text_key) values (new.id, new.text_key);
end;
create trigger directives_words_delete after delete on directives begin
    insert into directives_words (directives_words, rowid, text_key) values ('delete', old.id, old.text_key);
end;
create trigger directives_words_update after update of text_key on directives begin
    insert into directives_words (directives_words, rowid, text_key) values ('delete', old.id, old.text_key);
    insert into directives_words (rowid, text_key) values (new.id, new.text_key);
end;

create virtual table sessions_words using fts5 (
    title_key,
    content = 'sessions',
    content_rowid = 'id',
    tokenize = 'trigram',
    detail = 'none'
);
insert into sessions_words (sessions_words) values ('rebuild');

create trigger sessions_words_insert after insert on sessions begin
    insert into sessions_words (rowid, title_key) values (new.id, new.title_key);
end;
create trigger sessions_words_delete after delete on sessions begin
    insert into sessions_words (sessions_words, rowid, title_key) values ('delete', old.id, old.title_key);
end;
create trigger sessions_words_update after update of title_key on sessions begin
    insert into sessions_words (sessions_words, rowid, title_key) values ('delete', old.id, old.title_key);
    insert into sessions_words (rowid, title_key) values (new.id, new.title_key);
end;

create virtual table articles_words using fts5 (
    text_key,
    content = 'articles',
    content_rowid = 'id',
    tokenize = 'trigram',
    detail = 'none'
);
insert into articles_words (articles_words) values ('rebuild');

create trigger articles_words_insert after insert on articles begin
    insert into articles_words (rowid, text_key) values (new.id, new.text_key);
end;
create trigger articles_words_delete after delete on articles begin
    insert into articles_words (articles_words, rowid, text_key) values ('delete', old.id, old.text_key);
end;
create trigger articles_words_update after update of text_key on articles begin
    insert into articles_words (articles_words, rowid, text_key) values ('delete', old.id, old.text_key);
    insert into articles_words (rowid, text_key) values (new.id, new.text_key);
end;
