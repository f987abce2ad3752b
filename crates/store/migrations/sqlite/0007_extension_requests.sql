-- An assignee asks for a later deadline with the reason; the issuer's side grants it (the
-- deadline moves and an extension is kept with the old and new date) or refuses it with a
-- note. One request at a time waits per directive.
create table extension_requests (
    id integer primary key,
    directive_id integer not null constraint extension_requests_directive_fk references directives (id),
    old_deadline text,
    new_deadline text not null,
    reason text not null,
    requested_by integer constraint extension_requests_requester_fk references users (id),
    at integer not null,
    status text not null,
    decided_by integer constraint extension_requests_decider_fk references users (id),
    decided_at integer,
    note text
);
create index extension_requests_directive_idx on extension_requests (directive_id, id);
create unique index extension_requests_pending_key on extension_requests (directive_id) where status = 'pending';
