-- A member's mailbox, read over IMAP by `rapport mail sync` and `rapport serve`: where it
-- is, the password sealed with a key kept outside the database, the folders read, and what
-- was read of each (UIDVALIDITY and the last UID), so that no message is read twice.
CREATE TABLE mailboxes (
    workspace_id  TEXT NOT NULL,
    user_id       TEXT NOT NULL REFERENCES users (id),
    host          TEXT NOT NULL,
    port          BIGINT NOT NULL,
    security      TEXT NOT NULL,   -- tls, starttls, plain
    username      TEXT NOT NULL,
    secret        TEXT NOT NULL,   -- the password, sealed
    folders       TEXT NOT NULL,   -- one per line
    lease_holder  TEXT,
    lease_until   BIGINT,
    last_sync_at  BIGINT,
    last_error    TEXT,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, user_id)
);
CREATE TABLE mailbox_folders (
    workspace_id  TEXT NOT NULL,
    user_id       TEXT NOT NULL,
    folder        TEXT NOT NULL,
    uid_validity  BIGINT NOT NULL,
    last_uid      BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, user_id, folder),
    FOREIGN KEY (workspace_id, user_id) REFERENCES mailboxes (workspace_id, user_id) ON DELETE CASCADE
);
