-- Where and when we met (issue 19): free text as the user tells it, its folded form for
-- `contact list --met`, and the day (YYYY-MM-DD). Who introduced us stays in `referrals`.
ALTER TABLE contacts ADD COLUMN met TEXT;
ALTER TABLE contacts ADD COLUMN met_folded TEXT;
ALTER TABLE contacts ADD COLUMN met_on TEXT;
