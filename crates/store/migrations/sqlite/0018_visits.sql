-- Visitor statistics (the portal's "online now", today, this month, total), counted by every
-- app node into the same rows. No address is kept: a visitor is a digest of their address and
-- browser under the day's salt, which nodes share here and which is deleted once old, so a
-- digest cannot be traced back or linked across days. A row per visitor per day and a counter
-- per day: views beyond the first only move `last_seen`, at most once a minute.
create table visit_salts (
    day text not null constraint visit_salts_pk primary key,
    salt text not null
);

create table visitors (
    day text not null,
    hash text not null,
    last_seen integer not null,
    constraint visitors_pk primary key (day, hash)
);
create index visitors_last_seen_idx on visitors (last_seen);

create table visit_days (
    day text not null constraint visit_days_pk primary key,
    visitors integer not null
);
