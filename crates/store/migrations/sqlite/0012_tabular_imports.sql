-- Imports of petitions, directives or targets from a spreadsheet (.xlsx, .csv). A job row
-- says who imports what, where it stands and its counts; its rows are kept as read, with
-- what is wrong in each cell and whether it looks like a duplicate, until the person
-- confirms (or drops) them. Records are written from them in one transaction.
--
-- `state`: reading, ready, writing, done, failed. `columns_json`: the header row as read,
-- each column with the field it fills or none. `message`: why the job failed, as a code the
-- pages translate. Each row's `cells` are a JSON array in the kind's column order; `errors`
-- a JSON array of [column, code] (null when none); `duplicate` "row:12" (an earlier row of
-- the file) or "petition:42" (a record on file it is like), null when none.
create table imports (
    id integer primary key,
    user_id integer constraint imports_user_fk references users (id),
    kind text not null,
    file_name text not null,
    state text not null,
    default_unit_id integer constraint imports_unit_fk references units (id),
    columns_json text,
    rows_total integer not null,
    rows_error integer not null,
    rows_duplicate integer not null,
    written integer not null,
    skipped integer not null,
    message text,
    created_at integer not null,
    updated_at integer not null
);
create index imports_user_idx on imports (user_id, id);

create table import_rows (
    import_id integer not null constraint import_rows_import_fk references imports (id),
    row_no integer not null,
    cells text not null,
    errors text,
    duplicate text,
    constraint import_rows_pk primary key (import_id, row_no)
);

-- A unit's targets, read when an imported target is checked against those on file.
create index targets_unit_idx on targets (unit_id);
