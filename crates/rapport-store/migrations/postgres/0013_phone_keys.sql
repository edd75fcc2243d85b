-- Phones are kept under their digits (value_folded), so an import finds the contact a
-- phone number belongs to with the index, however the number is written. Until now they
-- were folded like text.
UPDATE contact_attributes SET value_folded = regexp_replace(value, '[^0-9]', '', 'g')
WHERE kind = 'phone';
