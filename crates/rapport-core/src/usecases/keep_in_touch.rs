//! Changing the workspace's keep-in-touch cadences (owners only), moving the due dates
//! of the contacts that follow them.

use crate::error::Result;
use crate::ports::ContactStore;
use crate::workspace::Actor;

use crate::model::touch::*;

/// Changes keep-in-touch cadences (`AUDIENCE=DAYS|never|default` each; owner only) and
/// moves the due dates of the contacts that follow the default, in one transaction: every
/// assignment is checked before anything is written. Answers the workspace's rules now.
pub async fn set_rules<S: ContactStore>(
    store: &S,
    actor: &Actor,
    assignments: &[String],
) -> Result<TouchRules> {
    if assignments.is_empty() {
        return Ok(actor.workspace.touch_rules.clone());
    }
    actor.require_owner("change the keep-in-touch cadences")?;
    let mut set = actor.workspace.touch_rules.clone();
    let mut changed = Vec::new();
    for a in assignments {
        let (audience, days) = parse_rule(a)?;
        set.set(audience, days);
        changed.push(audience);
    }
    store
        .set_touch_rules(&actor.workspace.id, &set, &changed)
        .await?;
    Ok(set)
}
