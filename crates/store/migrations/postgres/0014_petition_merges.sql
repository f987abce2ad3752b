-- Two records of the same petition merged into one (`Store::merge_petitions`): the one merged
-- away stays on record, closed with the status `merged` and pointing at the one that holds it
-- now; its raisings move there, each remembering the petition it was raised as, so that both
-- histories are kept.
alter table petitions add column merged_into bigint constraint petitions_merged_into_fk references petitions (id);
alter table raisings add column merged_from bigint constraint raisings_merged_from_fk references petitions (id);
create index petitions_merged_into_idx on petitions (merged_into) where merged_into is not null;
