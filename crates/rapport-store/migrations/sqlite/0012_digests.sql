-- The daily digest: each member who wants one, at what local time (HH:MM, in the workspace's
-- time zone), and the last local day it went out (so it never goes twice).
CREATE TABLE digest_settings (
    workspace_id  TEXT NOT NULL REFERENCES workspaces (id),
    user_id       TEXT NOT NULL REFERENCES users (id),
    send_at       TEXT NOT NULL,
    last_sent_day TEXT,
    PRIMARY KEY (workspace_id, user_id)
);
