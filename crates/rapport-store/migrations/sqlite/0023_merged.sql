-- Merging duplicates: a contact merged into another is archived, and points to the one that
-- now holds its emails, facts, timeline, promises, deals, gestures and introductions, so that
-- its old links and references lead there. No foreign key: a backup restores rows in id
-- order, and the contact kept may come after the one merged into it.
ALTER TABLE contacts ADD COLUMN merged_into TEXT;
