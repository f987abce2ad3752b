-- The day a petition's answer was given (the last answer, if it was reopened since), for the
-- share of answers given by their due day. Petitions answered before this column existed get
-- the day of their last answer in the audit trail (Vietnam's time, UTC+7).
alter table petitions add column answered_on text;
update petitions set answered_on = (
    select date(max(a.at) / 1000 + 25200, 'unixepoch') from audit_events a
    where a.entity = 'petition' and a.entity_id = petitions.id and a.action = 'answered'
)
where status in ('answered', 'resolved', 'reopened');
