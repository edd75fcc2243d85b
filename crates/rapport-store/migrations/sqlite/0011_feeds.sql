-- The secret calendar feed of each member: only the token's SHA-256 is kept; rotating it
-- replaces the row (the old URL stops working at once).
CREATE TABLE feed_tokens (
    token_hash   TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    user_id      TEXT NOT NULL REFERENCES users (id),
    created_at   BIGINT NOT NULL
);
CREATE UNIQUE INDEX feed_tokens_one_per_member ON feed_tokens (workspace_id, user_id);
