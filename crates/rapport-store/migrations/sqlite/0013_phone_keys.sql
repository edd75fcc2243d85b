-- Phones are kept under their digits (value_folded), so an import finds the contact a
-- phone number belongs to with the index, however the number is written. Until now they
-- were folded like text. SQLite has no regular expressions: the usual separators go
-- first; what still holds anything but ASCII digits is walked character by character.
UPDATE contact_attributes
SET value_folded = replace(replace(replace(replace(replace(replace(replace(replace(
    value, ' ', ''), '-', ''), '+', ''), '(', ''), ')', ''), '.', ''), '/', ''), char(9), '')
WHERE kind = 'phone';

WITH RECURSIVE walk (workspace_id, contact_id, position, rest, digits) AS (
    SELECT workspace_id, contact_id, position, value_folded, ''
    FROM contact_attributes WHERE kind = 'phone' AND value_folded GLOB '*[^0-9]*'
    UNION ALL
    SELECT workspace_id, contact_id, position, substr(rest, 2),
           digits || CASE WHEN substr(rest, 1, 1) GLOB '[0-9]' THEN substr(rest, 1, 1) ELSE '' END
    FROM walk WHERE rest <> ''
)
UPDATE contact_attributes AS a SET value_folded = walk.digits
FROM walk
WHERE walk.rest = '' AND a.kind = 'phone' AND a.workspace_id = walk.workspace_id
  AND a.contact_id = walk.contact_id AND a.position = walk.position;
