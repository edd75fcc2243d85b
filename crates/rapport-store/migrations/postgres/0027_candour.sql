-- Trust model beta-sl-2 (TRUST_MODEL.md): candour before the due date pays for every outcome.
-- A promise flagged at risk and told before its deadline, then broken or withdrawn late, is
-- half a silent break (s = w/2 instead of w); renegotiated late after such a warning scores
-- as a renegotiation (s = 0.25 instead of w/4). The stored epoch-weighted evidence keeps its
-- stakes and forgetting, so only the ratio changes. Run again on the rows of a backup taken
-- before it; `rapport rescore` then brings the stored scores to the new model. The ratios
-- hold for the model's breach weight w = 5 (not a workspace setting): w/2 of w is 1/2 for
-- any w, 0.25 of w/4 is 1/5 for w = 5.
UPDATE commitments SET evidence_kind = 'broken_after_notice', negative_epoch = negative_epoch / 2
WHERE evidence_kind = 'broken' AND status IN ('broken', 'released')
  AND at_risk_at IS NOT NULL AND told_at IS NOT NULL AND told_at <= deadline;
UPDATE commitments SET evidence_kind = 'told_early', negative_epoch = negative_epoch / 5
WHERE evidence_kind = 'late_without_notice' AND status = 'renegotiated'
  AND at_risk_at IS NOT NULL AND told_at IS NOT NULL AND told_at <= deadline;
