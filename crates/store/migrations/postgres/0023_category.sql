-- Petitions of one category, newest first: a filter on a category that few petitions hold
-- ("Giao thông" among a million of other kinds) no longer walks every petition.
create index petitions_category_idx on petitions (category, id);
-- The directives of a few units, their ids read from the index alone (`few_ids`), as
-- SQLite's index holds the id already.
create index directives_lead_id_idx on directives (lead_unit_id, id);
drop index directives_lead_idx;
