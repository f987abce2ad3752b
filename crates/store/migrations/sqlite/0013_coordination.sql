-- Coordinating units report their own part. A progress report names the unit it is from and
-- whether it is a coordinating unit's share (which never moves the directive's own progress,
-- the lead unit's); reports written before this were the lead unit's.
alter table progress_reports add column unit_id integer constraint progress_unit_fk references units (id);
alter table progress_reports add column share integer not null default 0;
update progress_reports set unit_id = (
    select d.lead_unit_id from directives d where d.id = progress_reports.directive_id
);
create index progress_reports_directive_idx on progress_reports (directive_id, date, id);

-- How a petition came in (a closed list the domain keeps: meeting, reception, letter,
-- online); those recorded before were raised at voters' meetings.
alter table petitions add column channel text not null default 'meeting';

-- A petition's coordinating units, beside the one responsible for answering it.
create table petition_units (
    petition_id integer not null constraint petition_units_petition_fk references petitions (id),
    unit_id integer not null constraint petition_units_unit_fk references units (id),
    constraint petition_units_pk primary key (petition_id, unit_id)
);
create index petition_units_unit_idx on petition_units (unit_id);

-- A coordinating unit's word on its part of a petition (the answer stays the responsible
-- unit's).
create table petition_notes (
    id integer primary key,
    petition_id integer not null constraint petition_notes_petition_fk references petitions (id),
    unit_id integer not null constraint petition_notes_unit_fk references units (id),
    date text not null,
    text text not null,
    user_id integer constraint petition_notes_user_fk references users (id),
    at integer not null
);
create index petition_notes_petition_idx on petition_notes (petition_id, date, id);
