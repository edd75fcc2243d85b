-- Contacts as cards for CardDAV (RFC 6352, sync-collection RFC 6578).
--
-- Every change that shows on a contact's card (its name, organisation, type, VIP flag,
-- archiving, emails, phones, tags, dates and notes) takes the workspace's card number,
-- whoever makes it (web, API, CLI, import, a device): a sync token is that number, and a
-- card's ETag is its own. Triggers keep it, so no write path can forget it.
--
-- Here a transaction takes one number for all it changes (the workspace row is updated
-- once, then locked until commit): so numbers are handed out in commit order, a sync never
-- skips a change committed late, and a bulk import does not update one row 100,000 times.
--
-- card_uid and card_href: the UID and the resource name a device gave a card it made, kept
-- forever (NULL: Rapport made the card; its UID is the contact's id, its name `{id}.vcf`).
-- card_text: the card as the device last sent it, so that what Rapport does not model
-- (PHOTO, X-ABLabel, any X-*, labels and types) goes back to the device unchanged.
ALTER TABLE workspaces ADD COLUMN card_seq BIGINT NOT NULL DEFAULT 0;
-- Which numbering the numbers belong to: a restore starts a new one, so a device's token or
-- ETag from before it is refused (the device syncs afresh) instead of meaning another card.
ALTER TABLE workspaces ADD COLUMN card_epoch TEXT NOT NULL
    DEFAULT substr(md5(random()::text || clock_timestamp()::text), 1, 12);
ALTER TABLE contacts ADD COLUMN card_seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE contacts ADD COLUMN card_uid TEXT;
ALTER TABLE contacts ADD COLUMN card_href TEXT;
ALTER TABLE contacts ADD COLUMN card_text TEXT;

CREATE UNIQUE INDEX contacts_by_card_href ON contacts (workspace_id, card_href)
    WHERE card_href IS NOT NULL;
CREATE UNIQUE INDEX contacts_by_card_uid ON contacts (workspace_id, card_uid)
    WHERE card_uid IS NOT NULL;
CREATE INDEX contacts_by_card_seq ON contacts (workspace_id, card_seq);

-- The workspace's card number for the running transaction: taken once (the workspace row is
-- updated, and stays locked until commit), then remembered in a transaction-local setting,
-- never in a table (a value carried over by a dump could match a later transaction).
CREATE FUNCTION rapport_card_number(ws TEXT) RETURNS BIGINT AS $$
DECLARE
    key TEXT := 'rapport.card_' || md5(ws);
    seen TEXT := current_setting(key, true);
    seq BIGINT;
BEGIN
    IF seen IS NOT NULL AND seen <> '' THEN
        RETURN seen::BIGINT;
    END IF;
    UPDATE workspaces SET card_seq = card_seq + 1 WHERE id = ws RETURNING card_seq INTO seq;
    PERFORM set_config(key, seq::TEXT, true);
    RETURN seq;
END
$$ LANGUAGE plpgsql;

CREATE FUNCTION rapport_contact_card() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT'
        OR OLD.name IS DISTINCT FROM NEW.name
        OR OLD.organisation IS DISTINCT FROM NEW.organisation
        OR OLD.relationship IS DISTINCT FROM NEW.relationship
        OR OLD.vip IS DISTINCT FROM NEW.vip
        OR OLD.archived_at IS DISTINCT FROM NEW.archived_at
        OR OLD.card_text IS DISTINCT FROM NEW.card_text
        OR OLD.card_uid IS DISTINCT FROM NEW.card_uid
        OR OLD.card_href IS DISTINCT FROM NEW.card_href THEN
        NEW.card_seq := rapport_card_number(NEW.workspace_id);
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER contacts_card BEFORE INSERT OR UPDATE ON contacts
    FOR EACH ROW EXECUTE FUNCTION rapport_contact_card();

-- An email, phone, tag, date or note changed: its contact's card changed.
CREATE FUNCTION rapport_part_card() RETURNS trigger AS $$
DECLARE
    ws TEXT;
    contact TEXT;
BEGIN
    IF TG_OP = 'DELETE' THEN
        ws := OLD.workspace_id;
        contact := OLD.contact_id;
    ELSE
        ws := NEW.workspace_id;
        contact := NEW.contact_id;
    END IF;
    IF TG_TABLE_NAME = 'facts' THEN
        IF NOT ((TG_OP <> 'INSERT' AND OLD.kind IN ('date', 'note'))
            OR (TG_OP <> 'DELETE' AND NEW.kind IN ('date', 'note'))) THEN
            RETURN NULL;
        END IF;
    END IF;
    UPDATE contacts SET card_seq = rapport_card_number(ws)
        WHERE workspace_id = ws AND id = contact;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER attributes_card AFTER INSERT OR UPDATE OR DELETE ON contact_attributes
    FOR EACH ROW EXECUTE FUNCTION rapport_part_card();
CREATE TRIGGER facts_card AFTER INSERT OR UPDATE OR DELETE ON facts
    FOR EACH ROW EXECUTE FUNCTION rapport_part_card();
