-- When a request was answered with a promise, and whether its why was known then: what
-- "answered without knowing why" counts (a why found later does not change the answer given).
ALTER TABLE requests ADD COLUMN answered_at BIGINT;
ALTER TABLE requests ADD COLUMN answered_without_why BOOLEAN;
