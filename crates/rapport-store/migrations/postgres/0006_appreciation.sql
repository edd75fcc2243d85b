-- PostgreSQL twin of migrations/sqlite/0006_appreciation.sql.
-- The appreciation planner: gestures given, the workspace's appreciation cadence by audience
-- (VIPs, or a relationship type) and its yearly budgets.
-- The next appreciation date is kept on the contact, as a day number counted from 1970-01-01,
-- so "gestures due" is an index range like "going cold":
--   appreciation_days     the cadence in force (the workspace's rule, else the default);
--   last_gesture_day      the day of the latest gesture;
--   appreciation_due_day  the latest gesture (or the day of creation, UTC) + the cadence.
-- The application maintains them on every write; this migration fills them for existing rows.

CREATE TABLE gestures (
    workspace_id TEXT NOT NULL,
    id           TEXT NOT NULL,
    contact_id   TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('gift', 'voucher', 'tickets', 'thank_you_note',
                     'value')),
    text         TEXT NOT NULL,
    given_on     TEXT NOT NULL,
    cost_cents   BIGINT NOT NULL CHECK (cost_cents >= 0),
    note         TEXT,
    given_by     TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id),
    FOREIGN KEY (workspace_id, given_by) REFERENCES memberships (workspace_id, user_id)
);

CREATE INDEX gestures_by_contact ON gestures (workspace_id, contact_id, given_on, created_at);
CREATE INDEX gestures_by_day ON gestures (workspace_id, given_on, created_at);

-- An audience's cadence where the workspace changed the default; 0 means no gestures.
CREATE TABLE appreciation_rules (
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    audience     TEXT NOT NULL,
    days         INTEGER NOT NULL CHECK (days >= 0),
    PRIMARY KEY (workspace_id, audience)
);

-- A yearly budget stays in force in later years until another is set.
CREATE TABLE appreciation_budgets (
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    year         INTEGER NOT NULL,
    amount_cents BIGINT NOT NULL CHECK (amount_cents >= 0),
    PRIMARY KEY (workspace_id, year)
);

ALTER TABLE contacts ADD COLUMN appreciation_days INTEGER;
ALTER TABLE contacts ADD COLUMN last_gesture_day INTEGER;
ALTER TABLE contacts ADD COLUMN appreciation_due_day INTEGER;

-- The same defaults as gesture::Audience::default_days.
UPDATE contacts SET appreciation_days = CASE
        WHEN vip THEN 90
        WHEN relationship = 'prospect' THEN 60
        WHEN relationship IN ('customer', 'partner') THEN 120
        WHEN relationship IN ('past_customer', 'peer') THEN 180
        WHEN relationship = 'vendor' THEN 365
        ELSE NULL
    END;
UPDATE contacts SET appreciation_due_day = created_at / 86400000000 + appreciation_days
WHERE appreciation_days IS NOT NULL;

CREATE INDEX contacts_appreciation_due ON contacts
    (workspace_id, owner_id, value_tier DESC, appreciation_due_day)
    WHERE archived_at IS NULL AND appreciation_due_day IS NOT NULL;
