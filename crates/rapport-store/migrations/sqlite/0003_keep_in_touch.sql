-- Keep-in-touch and Today. The keep-in-touch clock is kept on the contact, so "going cold"
-- is an index range rather than a scan of every contact's interactions:
--   last_touch_at       the latest interaction (past or planned);
--   keep_in_touch_days  the cadence in force (the contact's own, else VIP 30, else by type);
--   touch_due_at        when the next touch is due: last touch (or creation) + cadence;
--   value_tier          2 VIP, 1 customer, 0 other: the first key of Today's ranking.
-- The application maintains them on every write; this migration fills them for existing rows.

ALTER TABLE contacts ADD COLUMN last_touch_at BIGINT;
ALTER TABLE contacts ADD COLUMN keep_in_touch_days INTEGER;
ALTER TABLE contacts ADD COLUMN touch_due_at BIGINT;
ALTER TABLE contacts ADD COLUMN value_tier INTEGER NOT NULL DEFAULT 0;

UPDATE contacts SET last_touch_at = (
    SELECT MAX(i.occurred_at) FROM interactions i
    WHERE i.workspace_id = contacts.workspace_id AND i.contact_id = contacts.id
);

-- The same defaults as RelationshipType::default_cadence_days and VIP_CADENCE_DAYS.
UPDATE contacts SET
    keep_in_touch_days = CASE
        WHEN cadence_days IS NOT NULL THEN NULLIF(cadence_days, 0)
        WHEN vip THEN 30
        WHEN relationship = 'prospect' THEN 14
        WHEN relationship IN ('customer', 'partner') THEN 60
        WHEN relationship IN ('vendor', 'peer') THEN 90
        WHEN relationship = 'past_customer' THEN 120
        ELSE NULL
    END,
    value_tier = CASE WHEN vip THEN 2 WHEN relationship = 'customer' THEN 1 ELSE 0 END;

UPDATE contacts SET touch_due_at = COALESCE(last_touch_at, created_at) + keep_in_touch_days * 86400000000
WHERE keep_in_touch_days IS NOT NULL;

CREATE INDEX contacts_touch_due ON contacts (workspace_id, owner_id, value_tier DESC, touch_due_at)
    WHERE archived_at IS NULL AND touch_due_at IS NOT NULL;

CREATE INDEX commitments_untold_risk ON commitments (workspace_id, owner_id, deadline)
    WHERE status = 'open' AND at_risk_at IS NOT NULL AND told_at IS NULL;

CREATE INDEX interactions_planned ON interactions (workspace_id, occurred_at, contact_id)
    WHERE kind IN ('meeting', 'visit', 'call');
