-- The workspace's own gift ideas (issue 19): ideas it added to the built-in catalogue, and
-- built-in ones it took out (`hidden`). The interest is folded; one row per idea.
CREATE TABLE gift_ideas (
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    interest     TEXT NOT NULL,
    idea         TEXT NOT NULL,
    idea_folded  TEXT NOT NULL,
    hidden       BOOLEAN NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, interest, idea_folded)
);
