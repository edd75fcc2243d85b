-- The deals board's per-stage counts and sums, kept as deals are written (by a trigger, so
-- every path that writes deals keeps them: one deal, a stage change, an import, a restore,
-- the demo). Reading them is one row per stage instead of summing 65,000 deals (18 ms on
-- the 100,000-contact demo).
CREATE TABLE deal_stage_totals (
    workspace_id TEXT NOT NULL,
    stage        TEXT NOT NULL,
    deals        BIGINT NOT NULL,
    value_cents  BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, stage)
);

INSERT INTO deal_stage_totals (workspace_id, stage, deals, value_cents)
SELECT workspace_id, stage, COUNT(*), COALESCE(SUM(value_cents), 0) FROM deals
GROUP BY workspace_id, stage;

CREATE FUNCTION deal_stage_totals_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE deal_stage_totals
        SET deals = deals - 1, value_cents = value_cents - OLD.value_cents
        WHERE workspace_id = OLD.workspace_id AND stage = OLD.stage;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO deal_stage_totals (workspace_id, stage, deals, value_cents)
        VALUES (NEW.workspace_id, NEW.stage, 1, NEW.value_cents)
        ON CONFLICT (workspace_id, stage) DO UPDATE
        SET deals = deal_stage_totals.deals + 1,
            value_cents = deal_stage_totals.value_cents + EXCLUDED.value_cents;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER deal_stage_totals_follow
AFTER INSERT OR DELETE OR UPDATE OF workspace_id, stage, value_cents ON deals
FOR EACH ROW EXECUTE FUNCTION deal_stage_totals_follow();
