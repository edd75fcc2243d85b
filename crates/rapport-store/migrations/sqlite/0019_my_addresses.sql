-- A member's other addresses (aliases, an old address, a shared inbox): with the account's
-- email, the addresses a mail import counts as "me".
CREATE TABLE user_addresses (
    user_id TEXT NOT NULL REFERENCES users (id),
    address TEXT NOT NULL,
    PRIMARY KEY (user_id, address)
);
