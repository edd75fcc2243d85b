-- The deals board counts and sums each stage in SQL, and lists a stage's deals page by page.
CREATE INDEX deals_by_stage ON deals (workspace_id, stage, value_cents);
