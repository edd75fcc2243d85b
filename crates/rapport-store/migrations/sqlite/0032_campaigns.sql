-- Check-in campaigns (issue 19): a check-in planned with every live contact of a segment
-- (snapshot taken when the campaign is made, VIPs and the coldest first: `position`), a few
-- a day on Today. A check-in is done by the first interaction with the contact on or after
-- the campaign's first day (`starts_at`, the start of the day it was made: a call logged
-- "today" counts): `done_at` is when it happened (a planned meeting counts once its time
-- has come), `replied_at` the first such interaction in which they said something; neither
-- counts what happens after `ends_at` (the end of its last day, or when it was stopped).
-- Both are kept by the store as interactions are written, edited, deleted and merged.
-- `owner_id` is the contact's owner (kept on handoff and merge): each member's Today reads
-- their own check-ins from an index range.
CREATE TABLE campaigns (
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    id           TEXT NOT NULL,
    name         TEXT NOT NULL,
    name_folded  TEXT NOT NULL,
    segment      TEXT NOT NULL,
    note         TEXT NOT NULL,
    per_day      INTEGER NOT NULL CHECK (per_day BETWEEN 1 AND 1000),
    until_date   TEXT,
    created_by   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    starts_at    BIGINT NOT NULL,
    ends_at      BIGINT,
    stopped_at   BIGINT,
    PRIMARY KEY (workspace_id, id),
    UNIQUE (workspace_id, name_folded),
    FOREIGN KEY (workspace_id, created_by) REFERENCES memberships (workspace_id, user_id)
);

CREATE TABLE campaign_contacts (
    workspace_id TEXT NOT NULL,
    campaign_id  TEXT NOT NULL,
    contact_id   TEXT NOT NULL,
    owner_id     TEXT NOT NULL,
    position     INTEGER NOT NULL,
    done_at      BIGINT,
    replied_at   BIGINT,
    PRIMARY KEY (workspace_id, campaign_id, contact_id),
    FOREIGN KEY (workspace_id, campaign_id) REFERENCES campaigns (workspace_id, id) ON DELETE CASCADE,
    FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id) ON DELETE CASCADE
);

-- A campaign's contacts in order (its pages).
CREATE INDEX campaign_contacts_order ON campaign_contacts (workspace_id, campaign_id, position);
-- A member's check-ins: those still to do in order, those done today, how many are left.
CREATE INDEX campaign_contacts_mine ON campaign_contacts (workspace_id, campaign_id, owner_id, done_at, position);
-- How many are done and replied, on the index alone.
CREATE INDEX campaign_contacts_done ON campaign_contacts (workspace_id, campaign_id, done_at, replied_at);
-- Writing an interaction refreshes the check-ins of its contact.
CREATE INDEX campaign_contacts_by_contact ON campaign_contacts (workspace_id, contact_id);
