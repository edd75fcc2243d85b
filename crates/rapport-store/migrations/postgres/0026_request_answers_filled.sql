-- Requests answered before 0025: answered when last changed, without a why if none is known
-- now (the best the rows can tell). Run again on the rows of a backup taken before it.
UPDATE requests SET answered_at = updated_at, answered_without_why = (why IS NULL)
WHERE answered_by IS NOT NULL AND answered_at IS NULL;
