-- A bulk load (`dondoc gen`) writes petitions without keeping the word index row by row and
-- rebuilds it once at the end (`Store::pause_word_index`): the trigger it drops is kept here
-- until then, so that a load cut short is repaired when the store next opens.
create table word_index_paused (
    name text primary key,
    sql text not null
);
