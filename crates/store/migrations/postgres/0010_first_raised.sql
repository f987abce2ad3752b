-- The day a petition was first raised, cached with its counts (`petitions::refresh_counts`,
-- in the transaction that adds a raising) so that lists can ask for petitions open for more
-- than some months, or first raised in a period, through an index.
alter table petitions add column first_raised_on text;
update petitions set first_raised_on = (select min(r.date) from raisings r where r.petition_id = petitions.id);
create index petitions_first_raised_idx on petitions (first_raised_on, id);
