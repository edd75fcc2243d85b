-- Topics the user names when logging an interaction ("price"): one a line, what Insights
-- counts exactly (issue 19).
ALTER TABLE interactions ADD COLUMN topics TEXT;
-- Insights reads what contacts said in a span of time, newest first.
CREATE INDEX interactions_said ON interactions (workspace_id, occurred_at)
    WHERE they_said IS NOT NULL OR topics IS NOT NULL;
CREATE INDEX requests_by_time ON requests (workspace_id, created_at);
