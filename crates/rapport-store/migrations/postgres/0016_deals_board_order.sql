-- A stage of the deals board lists its deals in the board's order (expected close, the
-- undated last, then created, then id): read from this index instead of sorting the stage
-- (47,000 won deals on the 100,000-contact demo: 86 ms of sorting per board). It carries
-- the value too, so the per-stage counts and sums read it alone; it replaces deals_by_stage.
DROP INDEX deals_by_stage;
CREATE INDEX deals_by_stage_in_order ON deals
    (workspace_id, stage, (COALESCE(expected_close, '9999-12-31')), created_at, id, value_cents);
