-- A session raises a petition once (a second raising from the same meeting would count the
-- same voices twice). Raisings that broke this before are removed, the later of each pair,
-- and their petitions' cached counts recounted; then a unique index holds the rule. Led by
-- the session, it also finds a session's petitions, in place of `raisings_session_idx`.
create temporary table raisings_again as
    select r.id, r.petition_id from raisings r
    where r.session_id is not null
      and exists (select 1 from raisings o
                  where o.petition_id = r.petition_id and o.session_id = r.session_id and o.id < r.id);

delete from raisings where id in (select id from raisings_again);

update petitions set
    raised_count = (select count(*) from raisings r where r.petition_id = petitions.id),
    public_raised_count = (select count(*) from raisings r left join sessions s on s.id = r.session_id
        where r.petition_id = petitions.id and (r.session_id is null or s.published = 1))
where id in (select petition_id from raisings_again);

drop table raisings_again;

create unique index raisings_session_once on raisings (session_id, petition_id);
drop index raisings_session_idx;
