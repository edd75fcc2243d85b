-- Handoff: a member who leaves a workspace keeps their history (their name stays on what
-- they did) but can no longer act in it: their membership is marked as left.

ALTER TABLE memberships ADD COLUMN left_at BIGINT;
