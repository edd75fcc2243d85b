-- PostgreSQL twin of migrations/sqlite/0005_referrals.sql.
-- Referrals: who introduced whom. A contact is introduced by one person at most.

CREATE TABLE referrals (
    workspace_id TEXT NOT NULL,
    referred_id  TEXT NOT NULL,
    referrer_id  TEXT NOT NULL CHECK (referrer_id <> referred_id),
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, referred_id),
    FOREIGN KEY (workspace_id, referred_id) REFERENCES contacts (workspace_id, id),
    FOREIGN KEY (workspace_id, referrer_id) REFERENCES contacts (workspace_id, id)
);

CREATE INDEX referrals_by_referrer ON referrals (workspace_id, referrer_id);
