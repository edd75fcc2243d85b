-- Invitations to a workspace: an owner adds a member by email and hands them a one-time link
-- (only its SHA-256 is kept) with which they choose their password. Valid until expires_at,
-- once.
CREATE TABLE invites (
    token_hash   TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    user_id      TEXT NOT NULL REFERENCES users (id),
    invited_by   TEXT NOT NULL REFERENCES users (id),
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    used_at      BIGINT
);
