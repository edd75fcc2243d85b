-- Deals by value: the ladder's trust gate asks where the workspace's largest quarter of deals
-- starts (one step down an index, not a sort of every deal).
CREATE INDEX deals_by_value ON deals (workspace_id, value_cents);
