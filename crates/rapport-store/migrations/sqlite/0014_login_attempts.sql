-- A sign-in attempt is recorded as a failure before its password is checked, so that
-- parallel guesses are all counted; a successful attempt is then taken back by its id.
-- Reservations for one key are serialised on its row of login_throttle.
ALTER TABLE login_failures ADD COLUMN attempt TEXT;
CREATE INDEX login_failures_by_attempt ON login_failures (attempt);
-- Old failures are swept by time.
CREATE INDEX login_failures_by_at ON login_failures (at);

CREATE TABLE login_throttle (
    key TEXT PRIMARY KEY
);
