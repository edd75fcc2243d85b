-- Mail imported: which message was logged as a conversation with which contact, so that a
-- second import, or the same message seen in INBOX and in Sent, logs nothing twice.
CREATE TABLE mail_messages (
    workspace_id   TEXT NOT NULL,
    message_key    TEXT NOT NULL,
    contact_id     TEXT NOT NULL,
    interaction_id TEXT NOT NULL,
    imported_at    BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, message_key, contact_id),
    FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id) ON DELETE CASCADE
);
