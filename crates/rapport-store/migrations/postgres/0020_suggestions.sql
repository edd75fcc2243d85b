-- Promises found in imported mail, offered to the member whose mail it is: accepted, one
-- becomes a commitment; dismissed, it goes; left alone, it expires. One per promise of a
-- message (its key and place in it) for each member, however often it is imported.
CREATE TABLE suggestions (
    id            TEXT NOT NULL PRIMARY KEY,
    workspace_id  TEXT NOT NULL,
    owner_id      TEXT NOT NULL REFERENCES users (id),
    contact_id    TEXT NOT NULL,
    direction     TEXT NOT NULL,
    text          TEXT NOT NULL,
    due_date      TEXT,            -- YYYY-MM-DD, in the workspace's time zone
    sentence      TEXT NOT NULL,
    message_key   TEXT NOT NULL,
    ordinal       BIGINT NOT NULL,
    message_id    TEXT,
    subject       TEXT NOT NULL,
    message_at    BIGINT NOT NULL,
    found_at      BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    status        TEXT NOT NULL,   -- open, accepted, dismissed
    decided_at    BIGINT,
    commitment_id TEXT,
    UNIQUE (workspace_id, owner_id, message_key, ordinal),
    FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX suggestions_on_offer ON suggestions (workspace_id, owner_id, status, message_at);
