-- Keep-in-touch cadence defaults per workspace: `audience=days` pairs (audience `vip` or a
-- relationship type; 0 = never goes cold), `;`-separated. Empty: the built-in defaults.
-- Kept on the workspace row so every actor lookup carries them.
ALTER TABLE workspaces ADD COLUMN touch_rules TEXT NOT NULL DEFAULT '';
