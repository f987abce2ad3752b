-- Photos of a news article, with their captions, in the order they show. Each is kept only
-- as dondoc re-encoded it (JPEG, a few widths: `article_photo_sizes`), so nothing of the
-- uploaded file beyond its pixels — no EXIF, no GPS position — is ever served.
create table article_photos (
    id integer primary key,
    article_id integer not null constraint article_photos_article_fk references articles (id),
    position integer not null,
    caption text,
    width integer not null,
    height integer not null,
    user_id integer constraint article_photos_user_fk references users (id),
    at integer not null
);
create index article_photos_article_idx on article_photos (article_id, position);

create table article_photo_sizes (
    photo_id integer not null constraint article_photo_sizes_photo_fk references article_photos (id),
    width integer not null,
    height integer not null,
    data blob not null,
    constraint article_photo_sizes_pk primary key (photo_id, width)
);
