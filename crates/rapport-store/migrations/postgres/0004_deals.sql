-- PostgreSQL twin of migrations/sqlite/0004_deals.sql.
-- Deals and their give/get ledger: each concession given, and what was received for it.

CREATE TABLE deals (
    workspace_id   TEXT NOT NULL,
    id             TEXT NOT NULL,
    contact_id     TEXT NOT NULL,
    title          TEXT NOT NULL,
    value_cents    BIGINT NOT NULL CHECK (value_cents >= 0),
    stage          TEXT NOT NULL CHECK (stage IN ('lead', 'qualified', 'proposal', 'negotiation',
                       'won', 'lost')),
    expected_close TEXT,
    owner_id       TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    closed_at      BIGINT,
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id),
    FOREIGN KEY (workspace_id, owner_id) REFERENCES memberships (workspace_id, user_id)
);

CREATE INDEX deals_by_contact ON deals (workspace_id, contact_id);
CREATE INDEX deals_open ON deals (workspace_id, expected_close) WHERE closed_at IS NULL;

CREATE TABLE deal_terms (
    workspace_id TEXT NOT NULL,
    deal_id      TEXT NOT NULL,
    seq          INTEGER NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('give', 'get')),
    text         TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, deal_id, seq),
    FOREIGN KEY (workspace_id, deal_id) REFERENCES deals (workspace_id, id)
);
