-- A word index of petitions, for searches whose words are in few of them (see
-- `Store::petitions`): a `like '%word%'` on the text walks every petition when nothing
-- matches. FTS5's trigram tokenizer answers the same `like` from an index; `detail=none`
-- keeps it small (it cannot place phrases, which the `like` on the text still checks).
-- Kept by triggers in the transaction that writes a petition's text.
create virtual table petitions_words using fts5 (
    text_key,
    content = 'petitions',
    content_rowid = 'id',
    tokenize = 'trigram',
    detail = 'none'
);
insert into petitions_words (petitions_words) values ('rebuild');

create trigger petitions_words_insert after insert on petitions begin
    insert into petitions_words (rowid, text_key) values (new.id, new.text_key);
end;
create trigger petitions_words_delete after delete on petitions begin
    insert into petitions_words (petitions_words, rowid, text_key) values ('delete', old.id, old.text_key);
end;
create trigger petitions_words_update after update of text_key on petitions begin
    insert into petitions_words (petitions_words, rowid, text_key) values ('delete', old.id, old.text_key);
    insert into petitions_words (rowid, text_key) values (new.id, new.text_key);
end;
