-- Contacts as cards for CardDAV (RFC 6352, sync-collection RFC 6578).
--
-- Every change that shows on a contact's card (its name, organisation, type, VIP flag,
-- archiving, emails, phones, tags, dates and notes) takes the workspace's next card
-- number, whoever makes it (web, API, CLI, import, a device): a sync token is that number,
-- and a card's ETag is its own. Triggers keep it, so no write path can forget it.
--
-- card_uid and card_href: the UID and the resource name a device gave a card it made, kept
-- forever (NULL: Rapport made the card; its UID is the contact's id, its name `{id}.vcf`).
-- card_text: the card as the device last sent it, so that what Rapport does not model
-- (PHOTO, X-ABLabel, any X-*, labels and types) goes back to the device unchanged.
ALTER TABLE workspaces ADD COLUMN card_seq BIGINT NOT NULL DEFAULT 0;
-- Which numbering the numbers belong to: a restore starts a new one, so a device's token or
-- ETag from before it is refused (the device syncs afresh) instead of meaning another card.
ALTER TABLE workspaces ADD COLUMN card_epoch TEXT NOT NULL DEFAULT '';
UPDATE workspaces SET card_epoch = lower(hex(randomblob(6)));
CREATE TRIGGER workspaces_card_epoch AFTER INSERT ON workspaces WHEN NEW.card_epoch = ''
BEGIN
    UPDATE workspaces SET card_epoch = lower(hex(randomblob(6))) WHERE id = NEW.id;
END;
ALTER TABLE contacts ADD COLUMN card_seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE contacts ADD COLUMN card_uid TEXT;
ALTER TABLE contacts ADD COLUMN card_href TEXT;
ALTER TABLE contacts ADD COLUMN card_text TEXT;

CREATE UNIQUE INDEX contacts_by_card_href ON contacts (workspace_id, card_href)
    WHERE card_href IS NOT NULL;
CREATE UNIQUE INDEX contacts_by_card_uid ON contacts (workspace_id, card_uid)
    WHERE card_uid IS NOT NULL;
CREATE INDEX contacts_by_card_seq ON contacts (workspace_id, card_seq);

CREATE TRIGGER contacts_card_inserted AFTER INSERT ON contacts
BEGIN
    UPDATE workspaces SET card_seq = card_seq + 1 WHERE id = NEW.workspace_id;
    UPDATE contacts SET card_seq = (SELECT card_seq FROM workspaces WHERE id = NEW.workspace_id)
        WHERE workspace_id = NEW.workspace_id AND id = NEW.id;
END;

CREATE TRIGGER contacts_card_changed AFTER UPDATE ON contacts
WHEN OLD.name IS NOT NEW.name OR OLD.organisation IS NOT NEW.organisation
    OR OLD.relationship IS NOT NEW.relationship OR OLD.vip IS NOT NEW.vip
    OR OLD.archived_at IS NOT NEW.archived_at OR OLD.card_text IS NOT NEW.card_text
    OR OLD.card_uid IS NOT NEW.card_uid OR OLD.card_href IS NOT NEW.card_href
BEGIN
    UPDATE workspaces SET card_seq = card_seq + 1 WHERE id = NEW.workspace_id;
    UPDATE contacts SET card_seq = (SELECT card_seq FROM workspaces WHERE id = NEW.workspace_id)
        WHERE workspace_id = NEW.workspace_id AND id = NEW.id;
END;

CREATE TRIGGER attributes_card_inserted AFTER INSERT ON contact_attributes
BEGIN
    UPDATE workspaces SET card_seq = card_seq + 1 WHERE id = NEW.workspace_id;
    UPDATE contacts SET card_seq = (SELECT card_seq FROM workspaces WHERE id = NEW.workspace_id)
        WHERE workspace_id = NEW.workspace_id AND id = NEW.contact_id;
END;

CREATE TRIGGER attributes_card_deleted AFTER DELETE ON contact_attributes
BEGIN
    UPDATE workspaces SET card_seq = card_seq + 1 WHERE id = OLD.workspace_id;
    UPDATE contacts SET card_seq = (SELECT card_seq FROM workspaces WHERE id = OLD.workspace_id)
        WHERE workspace_id = OLD.workspace_id AND id = OLD.contact_id;
END;

CREATE TRIGGER attributes_card_changed AFTER UPDATE ON contact_attributes
BEGIN
    UPDATE workspaces SET card_seq = card_seq + 1 WHERE id = NEW.workspace_id;
    UPDATE contacts SET card_seq = (SELECT card_seq FROM workspaces WHERE id = NEW.workspace_id)
        WHERE workspace_id = NEW.workspace_id AND id = NEW.contact_id;
END;

-- Dates and notes are on the card; other facts are not.
CREATE TRIGGER facts_card_inserted AFTER INSERT ON facts
WHEN NEW.kind IN ('date', 'note')
BEGIN
    UPDATE workspaces SET card_seq = card_seq + 1 WHERE id = NEW.workspace_id;
    UPDATE contacts SET card_seq = (SELECT card_seq FROM workspaces WHERE id = NEW.workspace_id)
        WHERE workspace_id = NEW.workspace_id AND id = NEW.contact_id;
END;

CREATE TRIGGER facts_card_deleted AFTER DELETE ON facts
WHEN OLD.kind IN ('date', 'note')
BEGIN
    UPDATE workspaces SET card_seq = card_seq + 1 WHERE id = OLD.workspace_id;
    UPDATE contacts SET card_seq = (SELECT card_seq FROM workspaces WHERE id = OLD.workspace_id)
        WHERE workspace_id = OLD.workspace_id AND id = OLD.contact_id;
END;

CREATE TRIGGER facts_card_changed AFTER UPDATE ON facts
WHEN NEW.kind IN ('date', 'note') OR OLD.kind IN ('date', 'note')
BEGIN
    UPDATE workspaces SET card_seq = card_seq + 1 WHERE id = NEW.workspace_id;
    UPDATE contacts SET card_seq = (SELECT card_seq FROM workspaces WHERE id = NEW.workspace_id)
        WHERE workspace_id = NEW.workspace_id AND id = NEW.contact_id;
END;
