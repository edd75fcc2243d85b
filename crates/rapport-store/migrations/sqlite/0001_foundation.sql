-- Foundation: workspaces, users, contacts with emails/phones/tags, personal memory,
-- interactions. A contact's attributes, facts and interactions are keyed (clustered, on
-- SQLite: WITHOUT ROWID) by (workspace_id, contact_id, …): one B-tree per row instead of
-- three, and a contact's memory and timeline sit together on disk. Instants are BIGINT microseconds since the Unix epoch (UTC); every
-- workspace-owned table has the composite key (workspace_id, id), and children reference
-- their parent through (workspace_id, contact_id), so a row can never point into another
-- workspace.

CREATE TABLE workspaces (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    time_zone   TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

CREATE TABLE users (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    email       TEXT UNIQUE,
    created_at  BIGINT NOT NULL
);

CREATE TABLE memberships (
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    user_id      TEXT NOT NULL REFERENCES users (id),
    role         TEXT NOT NULL CHECK (role IN ('owner', 'member')),
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, user_id)
);

CREATE TABLE contacts (
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    id           TEXT NOT NULL,
    name         TEXT NOT NULL,
    name_folded  TEXT NOT NULL,
    organisation TEXT,
    relationship TEXT NOT NULL CHECK (relationship IN ('prospect', 'customer', 'past_customer',
                     'vendor', 'competitor', 'partner', 'peer', 'co_worker', 'boss')),
    vip          BOOLEAN NOT NULL DEFAULT FALSE,
    owner_id     TEXT NOT NULL,
    -- NULL: the default for the type; 0: never; n: every n days.
    cadence_days INTEGER CHECK (cadence_days IS NULL OR cadence_days >= 0),
    search_text  TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    archived_at  BIGINT,
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, owner_id) REFERENCES memberships (workspace_id, user_id)
) WITHOUT ROWID;

CREATE INDEX contacts_live_by_name ON contacts (workspace_id, name_folded, id)
    WHERE archived_at IS NULL;
CREATE INDEX contacts_archived_by_name ON contacts (workspace_id, name_folded, id)
    WHERE archived_at IS NOT NULL;
CREATE INDEX contacts_live_by_type ON contacts (workspace_id, relationship, name_folded, id)
    WHERE archived_at IS NULL;
CREATE INDEX contacts_by_owner ON contacts (workspace_id, owner_id);

-- Emails, phones and tags, in the order the user gave them.
CREATE TABLE contact_attributes (
    workspace_id TEXT NOT NULL,
    contact_id   TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('email', 'phone', 'tag')),
    position     INTEGER NOT NULL,
    value        TEXT NOT NULL,
    value_folded TEXT NOT NULL,
    PRIMARY KEY (workspace_id, contact_id, kind, position),
    FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE INDEX contact_attributes_by_value ON contact_attributes (workspace_id, kind, value_folded);

CREATE TABLE facts (
    workspace_id TEXT NOT NULL,
    id           TEXT NOT NULL,
    contact_id   TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('family', 'interest', 'preference', 'date', 'note')),
    text         TEXT NOT NULL,
    relation     TEXT,
    date_year    INTEGER,
    date_month   INTEGER CHECK (date_month IS NULL OR date_month BETWEEN 1 AND 12),
    date_day     INTEGER CHECK (date_day IS NULL OR date_day BETWEEN 1 AND 31),
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, contact_id, id),
    FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX facts_by_day ON facts (workspace_id, date_month, date_day)
    WHERE date_month IS NOT NULL;

CREATE TABLE interactions (
    workspace_id TEXT NOT NULL,
    id           TEXT NOT NULL,
    contact_id   TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('call', 'meeting', 'email', 'visit', 'message', 'other')),
    occurred_at  BIGINT NOT NULL,
    summary      TEXT NOT NULL,
    they_said    TEXT,
    i_said       TEXT,
    search_text  TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, contact_id, id),
    FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id) ON DELETE CASCADE
) WITHOUT ROWID;
