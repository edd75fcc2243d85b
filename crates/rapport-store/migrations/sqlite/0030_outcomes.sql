-- Foresight (issue 19) reads the latest outcomes at a size of the workspace one way, of a member's
-- own promises, and of a contact's promises to us, newest first: one partial index each.
CREATE INDEX commitments_outcomes_by_size
    ON commitments (workspace_id, direction, size, resolved_at)
    WHERE evidence_kind IS NOT NULL;
CREATE INDEX commitments_outcomes_by_owner
    ON commitments (workspace_id, owner_id, direction, size, resolved_at)
    WHERE evidence_kind IS NOT NULL;
CREATE INDEX commitments_outcomes_by_contact
    ON commitments (workspace_id, contact_id, direction, size, resolved_at)
    WHERE evidence_kind IS NOT NULL;
