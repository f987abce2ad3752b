-- Petitions of one category, newest first: a filter on a category that few petitions hold
-- ("Giao thông" among a million of other kinds) no longer walks every petition.
create index petitions_category_idx on petitions (category, id);
