-- What lists need at a million petitions (see ARCHITECTURE.md, "Scale").
--
-- Cached counts of a petition's raisings, kept in the transaction that adds a raising or
-- publishes a session, and checked against the raisings by `Store::stale_petition_counts`:
-- all of them, those anyone may see (made outside a session or at a published one), and
-- whether one was made at a published session (what makes the petition public).
alter table petitions add column raised_count integer not null default 0;
alter table petitions add column public_raised_count integer not null default 0;
alter table petitions add column published integer not null default 0;

update petitions set
    raised_count = (select count(*) from raisings r where r.petition_id = petitions.id),
    public_raised_count = (select count(*) from raisings r left join sessions s on s.id = r.session_id
        where r.petition_id = petitions.id and (r.session_id is null or s.published = 1)),
    published = case when exists (select 1 from raisings r join sessions s on s.id = r.session_id
        where r.petition_id = petitions.id and s.published = 1) then 1 else 0 end;

create index raisings_session_idx on raisings (session_id);
-- Each order of the petitions list, for those who see all, for a unit's staff (whose filter
-- is an "or" no index serves), and for the public (published = 1, then the order).
create index petitions_raised_idx on petitions (raised_count, id);
create index petitions_public_raised_idx on petitions (public_raised_count, id);
create index petitions_due_idx on petitions ((coalesce(due_on, '9999-12-31')), id);
create index petitions_published_idx on petitions (published, id);
create index petitions_published_raised_idx on petitions (published, public_raised_count, id);
create index petitions_published_due_idx on petitions (published, (coalesce(due_on, '9999-12-31')), id);
create index petitions_responsible_idx on petitions (responsible_unit_id, id);
create index petitions_area_idx on petitions (area_unit_id, id);
create index petitions_status_id_idx on petitions (status, id);
-- The dashboard's counts by status, read from the index alone.
create index petitions_published_status_idx on petitions (published, status);

create index directives_session_idx on directives (session_id);
create index directives_lead_idx on directives (lead_unit_id);
create index directives_order_idx on directives ((coalesce(deadline, '9999-12-31')), id);
create index directive_units_unit_idx on directive_units (unit_id);

create index sessions_host_idx on sessions (host_unit_id);
create index sessions_order_idx on sessions (date, id);
create index measurements_session_idx on measurements (session_id);
create index positions_unit_idx on positions (unit_id);
create index users_unit_idx on users (unit_id);
