-- An amendment of a plan keeps the day it was decided (a council's resolution) and the
-- document that decided it; it counts from that day, not from the day it was typed in.
alter table amendments add column decided_on text;
alter table amendments add column document_id bigint constraint amendments_document_fk references documents (id);
