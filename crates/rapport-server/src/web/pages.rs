//! The signed-in pages' routes. Each page has its module: `today`, `contacts`, `contact`
//! (and `contact_forms`), `deals`, `settings`; `form` holds the signed-in form extractor.
//! Every page is an askama template fed with text already worded by its handler; every
//! form posts with the session's CSRF token and works without JavaScript.

use super::page_prelude::*;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/static/app.css", get(css))
        .route("/static/htmx.min.js", get(htmx))
        // No icon yet: say so without an error in every browser's console.
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
        .route("/contacts", get(contacts).post(add_contact))
        .route("/contacts/{id}", get(contact))
        .route("/contacts/{id}/brief", get(brief))
        .route("/contacts/{id}/timeline", get(timeline_page))
        .route("/gestures", get(gestures_page))
        .route(
            "/contacts/{id}/edit",
            get(edit_contact_form).post(edit_contact),
        )
        .route("/contacts/{id}/archive", post(archive_contact))
        .route("/contacts/{id}/restore", post(restore_contact))
        .route("/contacts/{id}/merge", get(merge_form).post(merge_contact))
        .route("/duplicates", get(duplicates_page))
        .route("/contacts/{id}/commitments", post(add_commitment))
        .route("/contacts/{id}/facts", post(add_fact))
        .route("/facts/{id}/edit", get(edit_fact_form).post(edit_fact))
        .route(
            "/facts/{id}/delete",
            get(delete_fact_form).post(delete_fact),
        )
        .route(
            "/interactions/{id}/edit",
            get(edit_interaction_form).post(edit_interaction),
        )
        .route(
            "/interactions/{id}/delete",
            get(delete_interaction_form).post(delete_interaction),
        )
        .route("/contacts/{id}/requests", post(add_request))
        .route("/requests", get(requests_page))
        .route("/suggestions", get(suggestions_page))
        .route("/suggestions/{id}/accept", post(accept_suggestion))
        .route("/suggestions/{id}/dismiss", post(dismiss_suggestion))
        .route("/search", get(search_page))
        .route("/requests/{id}/why", post(set_why))
        .route("/requests/{id}/answer", post(answer_request))
        .route("/contacts/{id}/interactions", post(log_interaction))
        .route("/contacts/{id}/gestures", post(add_gesture))
        .route("/contacts/{id}/deals", post(add_deal))
        .route("/contacts/{id}/introduced-by", post(introduced_by))
        .route("/contacts/{id}/introduced", post(introduced))
        .route("/deals/{id}/stage", post(move_deal))
        .route("/deals/{id}/terms", post(add_term))
        .route("/commitments", get(ledger_page))
        .route("/commitments/{id}", get(commitment))
        .route("/commitments/{id}/{action}", post(commitment_action))
        .route("/deals", get(deals))
        .route("/insights", get(insights))
        .route("/campaigns", get(campaigns_page).post(create_campaign))
        .route("/campaigns/{id}", get(campaign_page))
        .route("/campaigns/{id}/stop", post(stop_campaign))
        .route(
            "/campaigns/{id}/edit",
            get(edit_campaign_form).post(edit_campaign),
        )
        .route(
            "/campaigns/{id}/delete",
            get(delete_campaign_form).post(delete_campaign),
        )
        .route("/settings", get(settings).post(save_settings))
        .route("/settings/tokens", post(create_token))
        .route("/settings/budget", post(set_budget))
        .route("/settings/appreciation", post(set_appreciation))
        .route("/settings/keep-in-touch", post(set_keep_in_touch))
        .route("/settings/members", post(invite_member))
        .route("/settings/handoff", post(handoff))
        .route("/settings/feed", post(rotate_feed))
        .route("/settings/digest", post(set_digest))
        .route("/settings/addresses", post(add_my_address))
        .route("/settings/addresses/forget", post(forget_my_address))
        .route("/settings/gift-ideas", post(add_gift_idea))
        .route("/settings/gift-ideas/remove", post(remove_gift_idea))
        .route("/settings/tokens/{id}/revoke", post(revoke_token))
}
