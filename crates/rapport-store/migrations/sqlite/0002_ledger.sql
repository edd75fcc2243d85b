-- The commitment ledger: commitments both ways with their full history, requests with a why,
-- and the carried trust evidence per contact and direction.

ALTER TABLE workspaces ADD COLUMN promise_load_threshold INTEGER NOT NULL DEFAULT 5;
ALTER TABLE workspaces ADD COLUMN trust_half_life_days INTEGER NOT NULL DEFAULT 180;

CREATE TABLE commitments (
    workspace_id          TEXT NOT NULL,
    id                    TEXT NOT NULL,
    contact_id            TEXT NOT NULL,
    direction             TEXT NOT NULL CHECK (direction IN ('mine', 'theirs')),
    text                  TEXT NOT NULL,
    due_date              TEXT NOT NULL,  -- YYYY-MM-DD, in the workspace's time zone
    due_time              TEXT,           -- HH:MM when a time was given
    deadline              BIGINT NOT NULL, -- the last on-time instant
    size                  TEXT NOT NULL CHECK (size IN ('token', 'normal', 'major')),
    source_interaction_id TEXT,
    owner_id              TEXT NOT NULL,
    status                TEXT NOT NULL CHECK (status IN ('open', 'kept', 'renegotiated',
                              'released', 'broken', 'deceptive')),
    resolved_at           BIGINT,
    released_on_request   BOOLEAN,
    at_risk_at            BIGINT,
    at_risk_reason        TEXT,
    told_at               BIGINT,
    predecessor_id        TEXT,
    successor_id          TEXT,
    -- The trust engine's reading of this commitment (NULL: not scored), and its evidence
    -- weighted as of 2020-01-01 with the workspace's half-life, so sums need no exp() in SQL.
    evidence_kind         TEXT,
    positive_epoch        DOUBLE PRECISION,
    negative_epoch        DOUBLE PRECISION,
    created_at            BIGINT NOT NULL,
    updated_at            BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id),
    FOREIGN KEY (workspace_id, owner_id) REFERENCES memberships (workspace_id, user_id),
    FOREIGN KEY (workspace_id, contact_id, source_interaction_id)
        REFERENCES interactions (workspace_id, contact_id, id),
    FOREIGN KEY (workspace_id, predecessor_id) REFERENCES commitments (workspace_id, id)
);

CREATE INDEX commitments_by_contact ON commitments (workspace_id, contact_id, direction, due_date);
CREATE INDEX commitments_open_by_owner ON commitments (workspace_id, owner_id, direction, due_date)
    WHERE status = 'open';
CREATE INDEX commitments_evidence
    ON commitments (workspace_id, contact_id, direction, positive_epoch, negative_epoch)
    WHERE evidence_kind IS NOT NULL;

-- Every change to a commitment, with the commitment as it was after the change.
CREATE TABLE commitment_history (
    workspace_id  TEXT NOT NULL,
    commitment_id TEXT NOT NULL,
    seq           INTEGER NOT NULL,
    at            BIGINT NOT NULL,
    user_id       TEXT NOT NULL,
    action        TEXT NOT NULL,
    snapshot      TEXT NOT NULL,
    PRIMARY KEY (workspace_id, commitment_id, seq),
    FOREIGN KEY (workspace_id, commitment_id) REFERENCES commitments (workspace_id, id)
) WITHOUT ROWID;

CREATE TABLE requests (
    workspace_id TEXT NOT NULL,
    id           TEXT NOT NULL,
    contact_id   TEXT NOT NULL,
    text         TEXT NOT NULL,
    why          TEXT,
    answered_by  TEXT,
    owner_id     TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id),
    FOREIGN KEY (workspace_id, answered_by) REFERENCES commitments (workspace_id, id),
    FOREIGN KEY (workspace_id, owner_id) REFERENCES memberships (workspace_id, user_id)
);

CREATE INDEX requests_by_contact ON requests (workspace_id, contact_id, created_at);
CREATE INDEX requests_without_why ON requests (workspace_id, contact_id) WHERE why IS NULL;

-- The carried evidence (r, s as of as_of) of each contact and direction: one outcome decays
-- and updates it without reading the history.
CREATE TABLE trust_scores (
    workspace_id   TEXT NOT NULL,
    contact_id     TEXT NOT NULL,
    direction      TEXT NOT NULL CHECK (direction IN ('mine', 'theirs')),
    positive       DOUBLE PRECISION NOT NULL,
    negative       DOUBLE PRECISION NOT NULL,
    as_of          BIGINT NOT NULL,
    model_version  TEXT NOT NULL,
    half_life_days INTEGER NOT NULL,
    computed_at    BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, contact_id, direction),
    FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id)
) WITHOUT ROWID;
