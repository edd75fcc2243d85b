//! The OpenAPI 3.1 document of `/api/v1`, served at `/api/openapi.json`. Written next to the
//! routes it describes; `tests/openapi.rs` checks that every route is documented and every
//! documented path is routed, and CI runs an independent validator and schemathesis against
//! a running server.

use serde_json::{Value, json};

/// The error statuses any operation may answer, each with the one error shape.
const ERRORS: &[(&str, &str)] = &[
    (
        "400",
        "Malformed request: JSON or query that does not parse",
    ),
    ("401", "No valid API token"),
    ("403", "The caller's role does not allow it"),
    (
        "404",
        "No such thing in the caller's workspace (another workspace's ids included)",
    ),
    (
        "409",
        "Conflicts with what is stored (code day_full: a promise of mine on a day that already has the workspace's threshold of promises due; send anyway: true to record it all the same)",
    ),
    ("413", "Body over 1 MiB"),
    ("415", "Body is not JSON"),
    ("422", "Well-formed but refused: a field's value is invalid"),
];

fn r(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

fn nullable(t: &str) -> Value {
    json!({"type": [t, "null"]})
}

fn string() -> Value {
    json!({"type": "string"})
}

/// Cadences by audience: days, or a word (`never`/`none`, `default`).
fn cadences() -> Value {
    json!({
        "type": "object",
        "propertyNames": {"enum": ["vip", "prospect", "customer", "past_customer", "vendor", "competitor", "partner", "peer", "co_worker", "boss"]},
        "additionalProperties": {"oneOf": [
            {"type": "integer", "minimum": 0, "maximum": 3650},
            {"type": "string", "enum": ["never", "none", "default"]}
        ]}
    })
}

/// What an import answers.
fn import_report_schema() -> Value {
    json!({
        "type": "object",
        "required": ["file", "cards", "imported", "merged", "skipped", "dry_run", "duplicates", "warnings", "warnings_total"],
        "properties": {
            "file": string(), "cards": {"type": "integer"}, "imported": {"type": "integer"},
            "merged": {"type": "integer"}, "skipped": {"type": "integer"}, "dry_run": {"type": "boolean"},
            "columns": {"type": "array", "items": {"type": "object", "required": ["column", "read_as"],
                "properties": {"column": string(), "read_as": nullable("string")}}},
            "duplicates": {"type": "array", "maxItems": 1000,
                "description": "The first duplicates found (merged + skipped counts them all); matches_id is null for an earlier item of a dry run",
                "items": {"type": "object",
                "required": ["card", "line", "name", "matches_id", "matches", "by"],
                "properties": {"card": {"type": "integer"}, "line": {"type": "integer"}, "name": string(),
                    "matches_id": nullable("string"), "matches": string(), "by": string()}}},
            "warnings": {"type": "array", "maxItems": 1000,
                "description": "What imported items held that was not kept, and why (an impossible birthday...); warnings_total counts them all",
                "items": {"type": "object", "required": ["card", "line", "message"],
                "properties": {"card": {"type": "integer"}, "line": {"type": "integer"}, "message": string()}}},
            "warnings_total": {"type": "integer"}
        }
    })
}

/// An import: the file as the body, options in the query, the report back.
fn file_import(id: &str, summary: &str, media: &str, csv: bool) -> Value {
    let mut params = vec![
        boolean_query("merge", "Merge duplicates into the contact they match"),
        boolean_query("dry_run", "Say what would happen; write nothing"),
        query(
            "type",
            one_of(&[
                "prospect",
                "customer",
                "past_customer",
                "vendor",
                "competitor",
                "partner",
                "peer",
                "co_worker",
                "boss",
            ]),
            "The type of contacts whose item does not say (default prospect)",
        ),
    ];
    if csv {
        params.push(query("map", string(), "COLUMN=FIELD pairs separated by ;"));
    }
    let mut o = op(id, summary, params, None, "200", Some(r("ImportReport")));
    o["responses"]["201"] = json!({"description": "Imported", "content": {"application/json": {"schema": r("ImportReport")}}});
    o["requestBody"] =
        json!({"required": true, "content": {media: {"schema": {"type": "string"}}}});
    o
}

/// A mail import: one message (RFC 5322) or an mbox as the body.
fn mail_import() -> Value {
    let params = vec![
        boolean_query("dry_run", "Say what would happen; write nothing"),
        boolean_query(
            "create_contacts",
            "Make a contact of every unknown address on the caller's messages",
        ),
        query(
            "me",
            string(),
            "An address of the caller's besides their account's and settings'",
        ),
    ];
    let mut o = op(
        "importMail",
        "Log mail as conversations and offer the promises found in it (a message or an mbox as the body)",
        params,
        None,
        "200",
        Some(r("MailReport")),
    );
    o["responses"]["201"] = json!({"description": "Logged", "content": {"application/json": {"schema": r("MailReport")}}});
    // Any content type is read; documented as text (a message, or an mbox, is text).
    o["requestBody"] = json!({"required": true, "description": "One RFC 5322 message, or an mbox file", "content": {
        "text/plain": {"schema": {"type": "string"}}
    }});
    o
}

/// Accepting a suggestion: a body only to change what the message said.
fn accept_suggestion() -> Value {
    let mut o = op(
        "acceptSuggestion",
        "Record the promise as a commitment (the message's conversation as its source)",
        vec![path_id("suggestion")],
        Some(json!({
            "type": "object",
            "additionalProperties": false,
            "properties": {
                "due": {"type": "string", "description": "When it is due, if the message said no date or said it wrong"},
                "text": string(),
                "size": {"type": "string", "enum": ["token", "normal", "major"]},
                "anyway": {"type": "boolean"}
            }
        })),
        "201",
        Some(r("Commitment")),
    );
    o["requestBody"]["required"] = json!(false);
    o
}

/// An export: the file.
fn file_export(id: &str, summary: &str, media: &str, params: Vec<Value>) -> Value {
    let mut o = op(id, summary, params, None, "200", None);
    o["responses"]["200"] =
        json!({"description": "The file", "content": {media: {"schema": {"type": "string"}}}});
    o
}

/// The `cursor` query parameter of a paged list.
fn cursor() -> Value {
    query("cursor", string(), "next_cursor of the previous page")
}

fn page_of(item: Value) -> Value {
    json!({
        "type": "object",
        "required": ["items", "next_cursor"],
        "properties": {
            "items": {"type": "array", "items": item},
            "next_cursor": nullable("string")
        }
    })
}

/// An operation answering `status` with `schema` (`None`: no body).
fn op(
    id: &str,
    summary: &str,
    params: Vec<Value>,
    body: Option<Value>,
    status: &str,
    schema: Option<Value>,
) -> Value {
    let mut responses = serde_json::Map::new();
    let ok = match schema {
        Some(s) => json!({"description": "OK", "content": {"application/json": {"schema": s}}}),
        None => json!({"description": "Done"}),
    };
    responses.insert(status.to_owned(), ok);
    for (code, what) in ERRORS {
        responses.insert(
            (*code).to_owned(),
            json!({"description": what, "content": {"application/json": {"schema": r("Error")}}}),
        );
    }
    let mut o = json!({
        "operationId": id,
        "summary": summary,
        "parameters": params,
        "responses": responses,
    });
    if let Some(b) = body {
        o["requestBody"] = json!({
            "required": true,
            "content": {"application/json": {"schema": b}}
        });
    }
    o
}

fn path_id(what: &str) -> Value {
    json!({"name": "id", "in": "path", "required": true, "description": format!("The {what}'s id"), "schema": string()})
}

fn query(name: &str, schema: Value, description: &str) -> Value {
    json!({"name": name, "in": "query", "required": false, "description": description, "schema": schema})
}

fn limit(max: u32) -> Value {
    query(
        "limit",
        json!({"type": "integer", "minimum": 1, "maximum": max}),
        "At most this many",
    )
}

fn boolean_query(name: &str, description: &str) -> Value {
    query(name, json!({"type": "boolean"}), description)
}

/// A request body: an object with these properties, `required` ones, nothing else.
fn body(required: &[&str], properties: Value) -> Value {
    json!({
        "type": "object",
        "required": required,
        "additionalProperties": false,
        "properties": properties
    })
}

fn one_of(values: &[&str]) -> Value {
    json!({"type": "string", "enum": values})
}

const TYPES: &[&str] = &[
    "prospect",
    "customer",
    "past_customer",
    "vendor",
    "competitor",
    "partner",
    "peer",
    "co_worker",
    "boss",
];

fn date() -> Value {
    json!({"type": "string", "format": "date"})
}

fn amount() -> Value {
    json!({"oneOf": [{"type": "number", "minimum": 0}, {"type": "string"}], "description": "12500 or \"12,500.50\""})
}

fn schemas() -> Value {
    let relationship = json!({"type": "string", "enum": ["prospect", "customer", "past_customer", "vendor", "competitor", "partner", "peer", "co_worker", "boss"]});
    json!({
        "Error": {
            "type": "object",
            "required": ["error"],
            "properties": {"error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {"code": string(), "message": string()}
            }}
        },
        "Contact": {
            "type": "object",
            "required": ["id", "name", "relationship", "vip", "emails", "phones", "tags", "owner_id", "created_at", "updated_at"],
            "properties": {
                "id": string(), "name": string(), "organisation": nullable("string"),
                "relationship": relationship, "vip": {"type": "boolean"},
                "emails": {"type": "array", "items": string()},
                "phones": {"type": "array", "items": string()},
                "tags": {"type": "array", "items": string()},
                "owner_id": string(), "cadence": {"type": "object"},
                "created_at": string(), "updated_at": string(),
                "archived_at": nullable("string"), "last_touch_at": nullable("string"),
                "merged_into": {"type": ["string", "null"], "description": "Set when this contact was merged into another (and archived): the one that now holds everything it had"},
                "met": {"type": ["string", "null"], "description": "Where we met, as told (\"Web Summit 2025\", \"LinkedIn\")"},
                "met_on": {"type": ["string", "null"], "format": "date", "description": "When we met"}
            }
        },
        "Introducer": {
            "type": "object",
            "required": ["id", "name"],
            "description": "The contact who introduced another (the introduction POST /referrals records)",
            "properties": {"id": string(), "name": string()}
        },
        "Rung": {
            "type": "object",
            "required": ["level", "kept", "broken", "reliability", "kept_at_level", "next"],
            "properties": {
                "level": one_of(&["none", "token", "normal", "major"]),
                "kept": r("BySize"),
                "broken": r("BySize"),
                "reliability": {"type": "object", "required": ["token", "normal", "major"], "properties": {
                    "token": nullable("number"), "normal": nullable("number"), "major": nullable("number")}},
                "kept_at_level": {"type": "integer"},
                "next": string()
            }
        },
        "BySize": {
            "type": "object",
            "required": ["token", "normal", "major"],
            "properties": {"token": {"type": "integer"}, "normal": {"type": "integer"}, "major": {"type": "integer"}}
        },
        "Ladder": {
            "type": "object",
            "required": ["contact_id", "contact_name", "mine", "theirs"],
            "properties": {"contact_id": string(), "contact_name": string(), "mine": r("Rung"), "theirs": r("Rung")}
        },
        "RequestStats": {
            "type": "object",
            "required": ["since", "answered", "answered_without_why", "share_without_why", "open_without_why", "by_member"],
            "properties": {
                "since": nullable("string"),
                "answered": {"type": "integer"},
                "answered_without_why": {"type": "integer"},
                "share_without_why": {"type": "number", "minimum": 0, "maximum": 1},
                "open_without_why": {"type": "integer"},
                "by_member": {"type": "array", "items": {
                    "type": "object",
                    "required": ["email", "name", "answered", "answered_without_why"],
                    "properties": {"email": nullable("string"), "name": string(),
                        "answered": {"type": "integer"}, "answered_without_why": {"type": "integer"}}
                }}
            }
        },
        "PairSide": {
            "type": "object",
            "required": ["id", "name", "relationship", "vip", "emails", "phones", "created_at"],
            "properties": {
                "id": string(), "name": string(), "organisation": nullable("string"),
                "relationship": relationship, "vip": {"type": "boolean"},
                "emails": {"type": "array", "items": string()},
                "phones": {"type": "array", "items": string()},
                "created_at": string()
            }
        },
        "DuplicateList": {
            "type": "object",
            "required": ["items", "total", "offset", "next_offset"],
            "properties": {
                "items": {"type": "array", "items": {
                    "type": "object",
                    "required": ["keep", "other", "reasons", "why", "score"],
                    "properties": {
                        "keep": r("PairSide"), "other": r("PairSide"),
                        "reasons": {"type": "array", "items": {
                            "type": "object", "required": ["kind", "value"],
                            "properties": {
                                "kind": {"type": "string", "enum": ["email", "phone", "name_at_organisation", "name"]},
                                "value": string()
                            }
                        }},
                        "why": string(),
                        "score": {"type": "integer", "description": "Higher is surer: email 8, phone 6, name at the same organisation 4, bare name 1, summed"}
                    }
                }},
                "total": {"type": "integer"},
                "offset": {"type": "integer"},
                "next_offset": {"type": ["integer", "null"], "description": "Where the next page starts (pass it as offset); null on the last"}
            }
        },
        "Merged": {
            "type": "object",
            "required": ["keep", "other", "moved", "taken", "note", "dry_run"],
            "properties": {
                "keep": r("Contact"),
                "other": r("Contact"),
                "moved": {"type": "object", "additionalProperties": {"type": ["integer", "boolean"]},
                    "description": "How many facts, same_facts (repeats dropped), interactions, commitments, requests, deals, gestures, introductions, introductions_between (dropped), suggestions and mail_links moved; introducer_dropped"},
                "taken": {"type": "array", "items": string()},
                "note": nullable("string"),
                "dry_run": {"type": "boolean"}
            }
        },
        "AddedContact": {
            "allOf": [r("Contact"), {
                "type": "object",
                "required": ["same_as", "introduced_by"],
                "properties": {
                    "introduced_by": {"oneOf": [r("Introducer"), {"type": "null"}]},
                    "same_as": {"type": "array",
                        "description": "Other contacts with one of its emails (any case) or phones (same digits): perhaps the same person. The contact is added all the same.",
                        "items": {"type": "object", "required": ["by", "id", "name"],
                            "properties": {"by": string(), "id": string(), "name": string()}}}
                }
            }]
        },
        "ContactCard": {
            "allOf": [r("Contact"), {
                "type": "object",
                "required": ["facts", "recent_interactions", "introduced_by", "met_phrase"],
                "properties": {
                    "introduced_by": {"oneOf": [r("Introducer"), {"type": "null"}]},
                    "met_phrase": {"type": ["string", "null"], "description": "Where and when we met and who introduced us, in words"},
                    "facts": {"type": "array", "items": r("Fact")},
                    "recent_interactions": {"type": "array", "items": r("Interaction")},
                    "keep_in_touch_days": nullable("integer")
                }
            }]
        },
        "Fact": {
            "type": "object",
            "required": ["id", "contact_id", "kind", "text"],
            "properties": {
                "id": string(), "contact_id": string(),
                "kind": {"type": "string", "enum": ["family", "interest", "preference", "date", "note"]},
                "text": string(), "relation": nullable("string"), "date": nullable("string"),
                "created_at": string()
            }
        },
        "Interaction": {
            "type": "object",
            "required": ["id", "contact_id", "kind", "occurred_at", "summary"],
            "properties": {
                "id": string(), "contact_id": string(),
                "kind": {"type": "string", "enum": ["call", "meeting", "email", "visit", "message", "other"]},
                "occurred_at": string(), "summary": string(),
                "they_said": nullable("string"), "i_said": nullable("string"), "created_at": string(),
                "topics": {"type": "array", "items": string(), "description": "Topics the user named: what Insights counts exactly"}
            }
        },
        "Theme": {
            "type": "object",
            "required": ["theme", "contacts", "mentions", "who", "who_more", "quotes", "named"],
            "properties": {
                "theme": string(),
                "contacts": {"type": "integer", "description": "How many different contacts raised it"},
                "mentions": {"type": "integer"},
                "who": {"type": "array", "maxItems": 10, "items": {"type": "array", "items": string(), "minItems": 2, "maxItems": 2}, "description": "The first ten contacts who raised it, by name: [id, name]"},
                "who_more": {"type": "integer", "description": "Those who raised it beyond the ones named"},
                "quotes": {"type": "array", "maxItems": 2, "items": {"type": "object", "required": ["contact_name", "text", "at"],
                    "properties": {"contact_name": string(), "text": string(), "at": string()}}},
                "named": {"type": "boolean", "description": "A topic the user named when logging (counted exactly)"}
            }
        },
        "Insights": {
            "type": "object",
            "required": ["since", "relationship", "themes", "requests", "more_themes", "more_requests", "said_read", "said_total", "requests_read", "requests_total"],
            "properties": {
                "since": string(), "relationship": nullable("string"),
                "themes": {"type": "array", "items": r("Theme"), "description": "What contacts said, the most contacts first"},
                "requests": {"type": "array", "items": r("Theme"), "description": "What contacts asked for (requests and their whys), grouped the same way"},
                "more_themes": {"type": "integer"}, "more_requests": {"type": "integer"},
                "said_read": {"type": "integer"}, "said_total": {"type": "integer"},
                "requests_read": {"type": "integer"}, "requests_total": {"type": "integer"}
            }
        },
        "Commitment": {
            "type": "object",
            "required": ["id", "contact_id", "direction", "text", "due", "deadline", "size", "owner_id", "status"],
            "properties": {
                "id": string(), "contact_id": string(),
                "direction": {"type": "string", "enum": ["mine", "theirs"]},
                "text": string(),
                "due": {"type": "object", "required": ["date"], "properties": {"date": string(), "time": nullable("string")}},
                "deadline": string(), "size": string(), "owner_id": string(),
                "status": {"type": "string", "enum": ["open", "kept", "broken", "deceptive", "released", "renegotiated"]},
                "resolved_at": nullable("string"), "told_at": nullable("string"),
                "created_at": string(), "updated_at": string()
            }
        },
        "ForecastCommitment": {
            "allOf": [r("Commitment"), {
                "type": "object",
                "required": ["forecast", "forecast_reason"],
                "properties": {
                    "forecast": {"type": ["number", "null"], "minimum": 0, "maximum": 1,
                        "description": "The chance an open commitment is kept on time, from its promiser's history at that size with the workspace's as the prior; null when nothing is known yet, and for resolved commitments"},
                    "forecast_reason": {"type": ["string", "null"], "description": "Why, in words (open commitments)"}
                }
            }]
        },
        "HistoryEntry": {
            "type": "object",
            "required": ["commitment_id", "at", "user_id", "action", "snapshot"],
            "properties": {
                "commitment_id": string(), "at": string(), "user_id": string(),
                "action": string(), "snapshot": r("Commitment")
            }
        },
        "Request": {
            "type": "object",
            "required": ["id", "contact_id", "text"],
            "properties": {
                "id": string(), "contact_id": string(), "text": string(),
                "why": nullable("string"), "answered_by": nullable("string"), "owner_id": string()
            }
        },
        "TrustDirection": {
            "type": "object",
            "required": ["status", "uncertainty", "evidence"],
            "properties": {
                "status": {"type": "string", "enum": ["unknown", "early", "known"]},
                "score": nullable("number"), "band": nullable("string"),
                "uncertainty": {"type": "number"}, "evidence": {"type": "number"}
            }
        },
        "Trust": {
            "type": "object",
            "required": ["contact", "at", "mine", "theirs", "gap"],
            "properties": {
                "contact": r("Contact"), "at": string(),
                "mine": r("TrustDirection"), "theirs": r("TrustDirection"),
                "gap": {"type": "boolean"}
            }
        },
        "Brief": {
            "type": "object",
            "required": ["contact", "family", "interests", "upcoming_dates", "open_mine", "open_theirs", "open_whys", "last_interactions", "trust_mine", "trust_theirs", "appreciation"],
            "properties": {
                "contact": r("Contact"),
                "met": {"type": ["string", "null"], "description": "Where and when we met and who introduced us, in words"},
                "introduced_by": {"oneOf": [r("Introducer"), {"type": "null"}]},
                "family": {"type": "array", "items": r("Fact")},
                "interests": {"type": "array", "items": r("Fact")},
                "upcoming_dates": {"type": "array"},
                "open_mine": {"type": "array", "items": r("Commitment")},
                "open_theirs": {"type": "array", "items": r("Commitment")},
                "open_whys": {"type": "array", "items": r("Request")},
                "last_interactions": {"type": "array", "items": r("Interaction")},
                "trust_mine": r("TrustDirection"), "trust_theirs": r("TrustDirection"),
                "appreciation": {"type": "object"}
            }
        },
        "Suggestion": {
            "type": "object",
            "required": ["id", "contact_id", "contact_name", "owner_id", "direction", "text", "due", "sentence", "message_key", "ordinal", "message_id", "subject", "message_at", "found_at", "expires_at", "status", "decided_at", "commitment_id"],
            "properties": {
                "id": string(), "contact_id": string(), "contact_name": string(), "owner_id": string(),
                "direction": {"type": "string", "enum": ["mine", "theirs"]},
                "text": string(), "due": {"type": ["string", "null"], "format": "date"}, "sentence": string(),
                "message_key": string(), "ordinal": {"type": "integer"}, "message_id": nullable("string"),
                "subject": string(), "message_at": string(), "found_at": string(), "expires_at": string(),
                "status": {"type": "string", "enum": ["open", "accepted", "dismissed"]},
                "decided_at": nullable("string"), "commitment_id": nullable("string")
            }
        },
        "MailReport": {
            "type": "object",
            "required": ["messages", "interactions", "already_logged", "not_mine", "unknown_senders", "contacts_created", "promises", "suggestions_offered", "skipped"],
            "properties": {
                "messages": {"type": "integer"},
                "interactions": {"type": "array", "items": {
                    "type": "object",
                    "required": ["contact_id", "contact_name", "direction", "at", "subject", "message_id"],
                    "properties": {
                        "contact_id": string(), "contact_name": string(),
                        "direction": {"type": "string", "enum": ["sent", "received"]},
                        "at": string(), "subject": string(), "message_id": nullable("string")
                    }
                }},
                "already_logged": {"type": "integer"},
                "not_mine": {"type": "integer"},
                "unknown_senders": {"type": "array", "items": string()},
                "contacts_created": {"type": "integer"},
                "promises": {"type": "array", "items": {
                    "type": "object",
                    "required": ["direction", "contact_id", "contact_name", "text", "due", "sentence", "message_id"],
                    "properties": {
                        "direction": {"type": "string", "enum": ["mine", "theirs"]},
                        "contact_id": string(), "contact_name": string(), "text": string(),
                        "due": {"type": ["string", "null"], "format": "date"}, "sentence": string(),
                        "message_id": nullable("string")
                    }
                }},
                "suggestions_offered": {"type": "integer"},
                "skipped": {"type": "array", "items": {"type": "object", "required": ["path", "reason"], "properties": {"path": string(), "reason": string()}}}
            }
        },
        "TodayItem": {
            "type": "object",
            "required": ["kind", "contact_id", "contact_name", "text", "due", "reason"],
            "properties": {
                "kind": {"type": "string", "enum": ["bad_news", "mine_due", "theirs_overdue", "confirm_promise", "date", "gesture", "check_in", "going_cold", "open_why"]},
                "contact_id": string(), "contact_name": string(), "text": string(),
                "due": nullable("string"), "reason": string(),
                "commitment_id": string(), "request_id": string(), "reminder": string(),
                "suggestion": {"type": "object"}, "gesture_id": string(),
                "suggestion_id": string(), "direction": {"type": "string", "enum": ["mine", "theirs"]},
                "forecast": {"type": ["number", "null"], "minimum": 0, "maximum": 1, "description": "For a commitment: the chance it is kept on time (null when nothing is known yet)"},
                "forecast_reason": {"type": "string", "description": "For a commitment: why, in words"},
                "campaign_id": {"type": "string", "description": "For check_in: its campaign"}
            }
        },
        "Today": {
            "type": "object",
            "required": ["date", "items"],
            "properties": {
                "date": string(),
                "items": {"type": "array", "items": r("TodayItem")},
                "more": {"type": "array", "items": {"type": "object", "required": ["kind", "count"], "properties": {"kind": string(), "count": {"type": "integer"}}}},
                "notes": {"type": "array", "items": string(), "description": "Reminders about how the workspace works, e.g. when over a third of the last 30 days' answered requests had no known why"}
            }
        },
        "Deal": {
            "type": "object",
            "required": ["id", "contact_id", "contact_name", "title", "value", "stage", "gives", "gets", "gives_outrun_gets", "trust_gate", "ladder_gate"],
            "properties": {
                "id": string(), "contact_id": string(), "contact_name": string(), "title": string(),
                "value": {"type": "integer", "description": "In cents"},
                "stage": {"type": "string", "enum": ["lead", "qualified", "proposal", "negotiation", "won", "lost"]},
                "expected_close": nullable("string"),
                "gives": {"type": "array"}, "gets": {"type": "array"},
                "gives_outrun_gets": {"type": "boolean"}, "trust_gate": {"type": "boolean"},
                "ladder_gate": {"type": ["string", "null"], "description": "An open deal among the workspace's largest quarter, with a contact who has not reached normal promises on the ladder: why, in words"},
                "trust_theirs": nullable("string")
            }
        },
        "Gesture": {
            "type": "object",
            "required": ["id", "contact_id", "kind", "text", "given_on", "cost"],
            "properties": {
                "id": string(), "contact_id": string(),
                "kind": {"type": "string", "enum": ["gift", "voucher", "tickets", "thank_you_note", "value"]},
                "text": string(), "given_on": string(),
                "cost": {"type": "integer", "description": "In cents"},
                "note": nullable("string"), "contact_name": string()
            }
        },
        "Budget": {
            "type": "object",
            "required": ["year", "budget", "spent", "remaining", "gestures", "by_kind"],
            "properties": {
                "year": {"type": "integer"}, "budget": nullable("integer"),
                "spent": {"type": "integer"}, "remaining": nullable("integer"),
                "gestures": {"type": "integer"}, "by_kind": {"type": "array"}
            }
        },
        "RecordedGesture": {
            "type": "object",
            "required": ["gesture", "contact_name", "kept_commitments", "budget"],
            "properties": {
                "gesture": r("Gesture"), "contact_name": string(),
                "kept_commitments": {"type": "array", "items": string()},
                "budget": r("Budget")
            }
        },
        "Campaign": {
            "type": "object",
            "required": ["id", "name", "segment", "note", "per_day", "until", "created_by", "created_by_name", "created_at", "starts_at", "ends_at", "stopped_at", "status", "contacts", "done", "remaining", "replied", "archived"],
            "properties": {
                "id": string(), "name": string(),
                "segment": {"type": "string", "description": "Which contacts, as Rapport writes it back: type=customer tag=restaurants vip, or all"},
                "note": {"type": "string", "description": "What the check-in is about"},
                "per_day": {"type": "integer", "minimum": 1, "maximum": 50, "description": "Check-ins a day on each member's Today (Today lists at most 50 check-ins of every campaign together)"},
                "until": {"type": ["string", "null"], "format": "date", "description": "The last day it runs"},
                "created_by": string(), "created_by_name": string(), "created_at": string(),
                "starts_at": {"type": "string", "description": "Interactions from this moment on (the start of the day it was made) are check-ins"},
                "ends_at": {"type": ["string", "null"], "description": "Interactions before this moment (the end of its last day, or when it was stopped) are check-ins"},
                "stopped_at": nullable("string"),
                "status": one_of(&["active", "complete", "ended", "stopped"]),
                "contacts": {"type": "integer", "description": "Contacts in the campaign (the segment when it was made)"},
                "done": {"type": "integer", "description": "Checked in with"},
                "remaining": {"type": "integer", "description": "Still to check in with (live contacts)"},
                "replied": {"type": "integer", "description": "Checked in with, and they said something back"},
                "archived": {"type": "integer", "description": "Not checked in with, and archived since"}
            }
        },
        "CampaignContact": {
            "type": "object",
            "required": ["position", "contact_id", "contact_name", "vip", "done_at", "replied", "archived"],
            "properties": {
                "position": {"type": "integer", "description": "Its place in the campaign's order (VIPs and the coldest first)"},
                "contact_id": string(), "contact_name": string(), "vip": {"type": "boolean"},
                "done_at": {"type": ["string", "null"], "description": "When they were checked in with (a time ahead: a meeting planned)"},
                "replied": {"type": "boolean"}, "archived": {"type": "boolean"}
            }
        },
        "Advocate": {
            "type": "object",
            "required": ["contact_id", "name", "referred", "became_customers"],
            "properties": {
                "contact_id": string(), "name": string(),
                "referred": {"type": "integer"}, "became_customers": {"type": "integer"}
            }
        },
        "ImportReport": import_report_schema(),
        "Settings": {
            "type": "object",
            "required": ["id", "name", "time_zone", "promise_load_threshold", "trust_half_life_days", "touch_rules", "keep_in_touch", "appreciation", "digest_at", "my_addresses", "gift_ideas"],
            "properties": {
                "id": string(), "name": string(), "time_zone": string(),
                "promise_load_threshold": {"type": "integer"}, "trust_half_life_days": {"type": "integer"},
                "touch_rules": {"type": "object", "additionalProperties": {"type": ["integer", "null"]}},
                "keep_in_touch": {"type": "array", "items": {
                    "type": "object", "required": ["audience", "days", "default_days", "custom"],
                    "properties": {"audience": string(), "days": nullable("integer"), "default_days": nullable("integer"), "custom": {"type": "boolean"}}
                }},
                "appreciation": {"type": "array", "items": {
                    "type": "object", "required": ["audience", "days", "default_days", "custom"],
                    "properties": {"audience": string(), "days": nullable("integer"), "default_days": nullable("integer"), "custom": {"type": "boolean"}}
                }},
                "digest_at": {"type": ["string", "null"], "description": "The caller's daily digest hour (HH:MM, the workspace's time zone); null: none"},
                "my_addresses": {"type": "array", "items": string(), "description": "The caller's addresses besides their account's email: what a mail import counts as theirs"},
                "gift_ideas": {"type": "array", "description": "The gift ideas in force, by interest: Rapport's own (builtin) and the workspace's", "items": {
                    "type": "object", "required": ["interest", "idea", "builtin"],
                    "properties": {"interest": string(), "idea": string(), "builtin": {"type": "boolean"}}
                }}
            }
        },
        "Member": {
            "type": "object",
            "required": ["user_id", "name", "role", "can_sign_in"],
            "properties": {
                "user_id": string(), "name": string(), "email": nullable("string"),
                "role": {"type": "string", "enum": ["owner", "member"]},
                "can_sign_in": {"type": "boolean"}
            }
        },
        "Handoff": {
            "type": "object",
            "required": ["contacts", "open_commitments", "open_deals"],
            "properties": {
                "from": nullable("string"), "to": nullable("string"),
                "contacts": {"type": "integer"}, "open_commitments": {"type": "integer"},
                "open_deals": {"type": "integer"}
            }
        },
        "Token": {
            "type": "object",
            "required": ["id", "name", "created_at"],
            "properties": {
                "id": string(), "name": string(), "created_at": string(),
                "last_used_at": nullable("string"), "revoked_at": nullable("string")
            }
        },
        "CreatedToken": {
            "type": "object",
            "required": ["id", "name", "token"],
            "properties": {"id": string(), "name": string(), "token": string()}
        }
    })
}

/// The document.
pub fn document() -> Value {
    let id = || path_id("thing");
    let contact = || path_id("contact");
    let commitment = || path_id("commitment");
    let text = || json!({"type": "string", "minLength": 1});
    let paths = json!({
        "/contacts": {
            "get": op("listContacts", "Contacts, by name; search by name, organisation, email or tag",
                vec![query("search", string(), "Accent- and case-insensitive"),
                     query("type", one_of(TYPES), "A relationship type"),
                     query("tag", string(), "A tag"),
                     boolean_query("archived", "Archived contacts instead"),
                     boolean_query("vip", "VIPs only"),
                     boolean_query("going_cold", "Only those past their keep-in-touch time"),
                     query("met", string(), "Only those whose where-we-met contains this (accent- and case-insensitive)"),
                     limit(1000),
                     query("cursor", string(), "next_cursor of the previous page")],
                None, "200", Some(page_of(r("Contact")))),
            "post": op("createContact", "Add a contact", vec![],
                Some(body(&["name"], json!({
                    "name": text(), "type": one_of(TYPES), "organisation": nullable("string"),
                    "vip": {"type": "boolean"},
                    "emails": {"type": "array", "items": string()},
                    "phones": {"type": "array", "items": string()},
                    "tags": {"type": "array", "items": string()},
                    "cadence_days": {"type": ["integer", "null"], "minimum": 0, "maximum": 3650},
                    "met": {"type": ["string", "null"], "description": "Where we met"},
                    "met_on": {"type": ["string", "null"], "format": "date", "description": "When we met (YYYY-MM-DD, not after today)"},
                    "introduced_by": {"type": ["string", "null"], "description": "Who introduced us: a contact's id (or name); recorded as POST /referrals does"}
                }))), "201", Some(r("AddedContact")))
        },
        "/contacts/{id}": {
            "get": op("getContact", "A contact with their memory and latest interactions", vec![contact()], None, "200", Some(r("ContactCard")))
        },
        "/contacts/{id}/edit": {
            "post": op("editContact", "Change a contact (absent fields stay)", vec![contact()],
                Some(body(&[], json!({
                    "name": string(), "organisation": nullable("string"), "type": one_of(TYPES),
                    "vip": {"type": "boolean"},
                    "emails": {"type": "array", "items": string()},
                    "phones": {"type": "array", "items": string()},
                    "add_tags": {"type": "array", "items": string()},
                    "remove_tags": {"type": "array", "items": string()},
                    "cadence_days": {"type": ["integer", "null"], "minimum": 0, "maximum": 3650},
                    "met": {"type": ["string", "null"], "description": "Where we met; null forgets it"},
                    "met_on": {"type": ["string", "null"], "format": "date", "description": "When we met; null forgets it"},
                    "introduced_by": {"type": ["string", "null"], "description": "Who introduced us, for a contact without an introducer yet (409 otherwise)"}
                }))), "200", Some(r("Contact")))
        },
        "/contacts/{id}/archive": {"post": op("archiveContact", "Archive (restorable)", vec![contact()], None, "200", Some(r("Contact")))},
        "/contacts/{id}/restore": {"post": op("restoreContact", "Restore an archived contact", vec![contact()], None, "200", Some(r("Contact")))},
        "/contacts/{id}/facts": {
            "get": op("listFacts", "Personal memory", vec![contact()], None, "200", Some(page_of(r("Fact")))),
            "post": op("addFact", "Remember something", vec![contact()],
                Some(body(&["kind", "text"], json!({
                    "kind": one_of(&["family", "interest", "preference", "date", "note"]), "text": text(), "relation": nullable("string"),
                    "date": {"type": ["string", "null"], "description": "YYYY-MM-DD or --MM-DD"}
                }))), "201", Some(r("Fact")))
        },
        "/contacts/{id}/interactions": {
            "get": op("timeline", "Interactions, newest first", vec![contact(), limit(1000), cursor()], None, "200", Some(page_of(r("Interaction")))),
            "post": op("logInteraction", "Log an interaction (or plan one)", vec![contact()],
                Some(body(&["summary"], json!({
                    "kind": one_of(&["call", "meeting", "email", "visit", "message", "other"]), "summary": text(), "at": string(),
                    "they_said": nullable("string"), "i_said": nullable("string"),
                    "topics": {"type": "array", "items": string(), "maxItems": 10, "description": "Topics it was about (\"price\"): Insights counts them exactly"}
                }))), "201", Some(r("Interaction")))
        },
        "/contacts/{id}/trust": {"get": op("trust", "Both trust directions, explained", vec![contact()], None, "200", Some(r("Trust")))},
        "/contacts/{id}/brief": {"get": op("brief", "The pre-meeting brief", vec![contact()], None, "200", Some(r("Brief")))},
        "/contacts/{id}/ladder": {"get": op("ladder", "The reciprocity ladder both ways: the largest size of promise kept so far, how reliably each size was kept, the next step", vec![contact()], None, "200", Some(r("Ladder")))},
        "/contacts/{id}/merge": {
            "post": op("mergeContact", "Merge another contact into this one, in one transaction: its emails, phones, tags, facts, interactions, promises (with their history), requests, deals, gestures and introductions become this one's; trust is scored again; the other is archived with merged_into pointing here. With dry_run, nothing is written",
                vec![contact()],
                Some(body(&["other"], json!({"other": string(), "dry_run": {"type": "boolean"}}))),
                "200", Some(r("Merged")))
        },
        "/duplicates": {
            "get": op("listDuplicates", "Likely duplicates among live contacts (same email, same phone digits, same name at the same organisation), surest first",
                vec![limit(1000), query("offset", json!({"type": "integer", "minimum": 0}), "Skip this many pairs (next_offset of the previous page)")],
                None, "200", Some(r("DuplicateList")))
        },
        "/interactions/search": {
            "get": op("searchInteractions", "Interactions whose text matches",
                vec![json!({"name": "q", "in": "query", "required": true, "schema": string()}), limit(1000), cursor()],
                None, "200", Some(page_of(r("Interaction"))))
        },
        "/commitments": {
            "get": op("listCommitments", "Commitments, by due date",
                vec![query("contact_id", string(), "One contact's"),
                     query("direction", json!({"type": "string", "enum": ["mine", "theirs"]}), "mine or theirs"),
                     boolean_query("open", "Open ones only"), limit(1000),
                     query("cursor", string(), "next_cursor of the previous page")],
                None, "200", Some(page_of(r("ForecastCommitment")))),
            "post": op("createCommitment", "Record a promise, mine or theirs", vec![],
                Some(body(&["contact_id", "direction", "text", "due"], json!({
                    "contact_id": string(), "direction": {"type": "string", "enum": ["mine", "theirs"]},
                    "text": text(), "due": string(), "size": one_of(&["token", "normal", "major"]), "anyway": {"type": "boolean"}
                }))), "201", Some(r("Commitment")))
        },
        "/commitments/{id}": {"get": op("getCommitment", "One commitment", vec![commitment()], None, "200", Some(r("ForecastCommitment")))},
        "/commitments/{id}/history": {"get": op("commitmentHistory", "Who did what to it, when, oldest first (the whole history: next_cursor is null)", vec![commitment()], None, "200", Some(page_of(r("HistoryEntry"))))},
        "/commitments/{id}/outcome": {
            "post": op("resolveCommitment", "Record how it ended", vec![commitment()],
                Some(body(&["outcome"], json!({
                    "outcome": {"type": "string", "enum": ["kept", "broken", "deceptive", "released", "withdrawn"]},
                    "correct": {"type": "boolean"}
                }))), "200", Some(r("Commitment")))
        },
        "/commitments/{id}/at-risk": {
            "post": op("flagAtRisk", "Flag a promise of mine at risk", vec![commitment()],
                Some(body(&[], json!({"reason": nullable("string")}))), "200", Some(r("Commitment")))
        },
        "/commitments/{id}/renegotiate": {
            "post": op("renegotiate", "Close it as renegotiated; answers its successor with the new due date", vec![commitment()],
                Some(body(&["due"], json!({"due": string()}))), "201", Some(r("Commitment")))
        },
        "/commitments/{id}/told": {"post": op("told", "They have been told", vec![commitment()], None, "200", Some(r("Commitment")))},
        "/requests": {
            "get": op("listRequests", "Requests", vec![query("contact_id", string(), "One contact's"), boolean_query("open", "Without a why"), limit(1000), cursor()], None, "200", Some(page_of(r("Request")))),
            "post": op("createRequest", "Record a request", vec![],
                Some(body(&["contact_id", "text"], json!({"contact_id": string(), "text": text(), "why": nullable("string")}))),
                "201", Some(r("Request")))
        },
        "/requests/stats": {
            "get": op("requestStats", "How many requests were answered with a promise, and how many of those without knowing why, per member (open ones without a why too)",
                vec![query("since", string(), "Only answers from this day (YYYY-MM-DD, or -30d)")],
                None, "200", Some(r("RequestStats")))
        },
        "/insights": {
            "get": op("insights", "What customers tell us: the recurring themes of what contacts said (phrases of one to three words, case and accents folded, stop words and names out) and of what they asked for, ranked by how many different contacts raised them, with two short quotes each",
                vec![query("type", one_of(TYPES), "Only contacts of this type"),
                     query("since", string(), "From this day (YYYY-MM-DD, or -30d); default the last 90 days"),
                     limit(500)],
                None, "200", Some(r("Insights")))
        },
        "/requests/{id}": {"get": op("getRequest", "One request", vec![id()], None, "200", Some(r("Request")))},
        "/requests/{id}/why": {
            "post": op("setWhy", "Record why it matters to them", vec![id()],
                Some(body(&["why"], json!({"why": text()}))), "200", Some(r("Request")))
        },
        "/requests/{id}/answer": {
            "post": op("answerRequest", "Link it to the commitment (with the same contact) that answers it", vec![id()],
                Some(body(&["commitment_id"], json!({"commitment_id": string()}))), "200", Some(r("Request")))
        },
        "/deals": {
            "get": op("listDeals", "Deals with their flags, by expected close (none last); next_cursor is set only when more deals match", vec![boolean_query("open", "Open ones only"),
                query("contact_id", string(), "Only this contact's deals"),
                query("stage", one_of(&["lead", "qualified", "proposal", "negotiation", "won", "lost"]), "Only deals at this stage"),
                limit(1000), cursor()], None, "200", Some(page_of(r("Deal")))),
            "post": op("createDeal", "Open a deal", vec![],
                Some(body(&["contact_id", "title"], json!({
                    "contact_id": string(), "title": text(), "value": amount(),
                    "stage": one_of(&["lead", "qualified", "proposal", "negotiation"]), "expected_close": {"type": ["string", "null"], "format": "date"}
                }))), "201", Some(r("Deal")))
        },
        "/deals/{id}": {"get": op("getDeal", "One deal", vec![id()], None, "200", Some(r("Deal")))},
        "/deals/{id}/stage": {
            "post": op("setStage", "Move a deal (won makes a customer and promises a thank-you note)", vec![id()],
                Some(body(&["stage"], json!({"stage": one_of(&["lead", "qualified", "proposal", "negotiation", "won", "lost"])}))), "200", Some(r("Deal")))
        },
        "/deals/{id}/terms": {
            "post": op("addTerm", "A concession given, or what was received", vec![id()],
                Some(body(&["kind", "text"], json!({"kind": {"type": "string", "enum": ["give", "get"]}, "text": text()}))),
                "200", Some(r("Deal")))
        },
        "/gestures": {
            "get": op("listGestures", "Gestures, newest first", vec![query("contact_id", string(), "One contact's"), limit(10000), cursor()], None, "200", Some(page_of(r("Gesture")))),
            "post": op("createGesture", "Record a gesture (a date ahead plans it)", vec![],
                Some(body(&["contact_id", "kind", "text"], json!({
                    "contact_id": string(), "kind": one_of(&["gift", "voucher", "tickets", "thank_you_note", "value"]), "text": text(),
                    "on": {"type": ["string", "null"], "format": "date"}, "cost": amount(), "note": nullable("string")
                }))), "201", Some(r("RecordedGesture")))
        },
        "/budget": {
            "get": op("getBudget", "A year's appreciation budget", vec![query("year", json!({"type": "integer", "minimum": 2000, "maximum": 2100}), "Default this year")], None, "200", Some(r("Budget"))),
            "put": op("setBudget", "Set the budget from a year on", vec![],
                Some(body(&["amount"], json!({"year": {"type": "integer", "minimum": 2000, "maximum": 2100}, "amount": amount()}))),
                "200", Some(r("Budget")))
        },
        "/referrals": {
            "post": op("createReferral", "Record who introduced whom", vec![],
                Some(body(&["referrer_id", "referred_id"], json!({"referrer_id": string(), "referred_id": string()}))),
                "201", None)
        },
        "/advocates": {"get": op("advocates", "Advocates, ranked", vec![], None, "200", Some(page_of(r("Advocate"))))},
        "/campaigns": {
            "get": op("listCampaigns", "Check-in campaigns, the newest first, with their progress", vec![], None, "200", Some(page_of(r("Campaign")))),
            "post": op("createCampaign", "Plan a check-in with every live contact of a segment, per_day a day on each member's Today (VIPs and the coldest first); logging any interaction with a contact completes theirs", vec![],
                Some(body(&["name", "segment", "note"], json!({
                    "name": text(), "segment": {"type": "string", "description": "type=TYPE, tag=TAG, met=TEXT and vip, each narrowing; or all"},
                    "note": text(), "per_day": {"type": ["integer", "null"], "minimum": 1, "maximum": 50, "description": "Default: enough to reach everyone by until (refused above 50), else 5"},
                    "until": {"type": ["string", "null"], "format": "date"}
                }))), "201", Some(r("Campaign")))
        },
        "/campaigns/{id}": {
            "get": op("getCampaign", "One campaign and its progress", vec![id()], None, "200", Some(r("Campaign"))),
            "patch": op("editCampaign", "Change a campaign's name, note, check-ins a day or last day (its maker or an owner); absent fields stay as they are. A new until without per_day quickens the pace when it must to reach everyone left by then (422 above 50 a day). A stopped campaign keeps its pace and last day (409); one that ended runs again with a later last day", vec![id()],
                Some({
                    let mut b = body(&[], json!({
                        "name": {"type": ["string", "null"], "minLength": 1, "maxLength": 80, "description": "Unique in the workspace, case and accents aside; not an id. null or absent: as it is"},
                        "note": {"type": ["string", "null"], "minLength": 1, "maxLength": 1000, "description": "null or absent: as it is"},
                        "per_day": {"type": ["integer", "null"], "minimum": 1, "maximum": 50, "description": "null or absent: as it is"},
                        "until": {"type": ["string", "null"], "format": "date", "description": "The last day it runs (today or later); null: until it is stopped; absent: as it is"}
                    }));
                    b["minProperties"] = json!(1);
                    b
                }), "200", Some(r("Campaign"))),
            "delete": op("deleteCampaign", "Delete a campaign and its list of check-ins (its maker or an owner); the interactions logged stay", vec![id()], None, "204", None)
        },
        "/campaigns/{id}/stop": {
            "post": op("stopCampaign", "Stop a campaign (its maker or an owner): its check-ins leave Today", vec![id()], None, "200", Some(r("Campaign")))
        },
        "/campaigns/{id}/contacts": {
            "get": op("campaignContacts", "A campaign's contacts in its order, with their check-ins",
                vec![id(), query("show", one_of(&["all", "pending", "done"]), "all (default), those still to check in with, or those checked in with"), limit(1000), cursor()],
                None, "200", Some(page_of(r("CampaignContact"))))
        },
        "/today": {
            "get": op("today", "What to do today, most urgent first",
                vec![query("date", date(), "Another day, YYYY-MM-DD (seen at 09:00)")],
                None, "200", Some(r("Today")))
        },
        "/settings": {
            "get": op("getSettings", "The workspace's settings and cadences", vec![], None, "200", Some(r("Settings"))),
            "patch": op("updateSettings", "Change settings (the workspace's: owners only; digest_at, the caller's own: any member); every value is checked before anything is written", vec![],
                Some(body(&[], json!({
                    "time_zone": string(),
                    "promise_load_threshold": {"type": "integer", "minimum": 1, "maximum": 100},
                    "keep_in_touch": cadences(),
                    "appreciation": cadences(),
                    "digest_at": {"type": "string", "description": "HH:MM, or off"},
                    "my_address": {"type": "array", "items": string(), "description": "Addresses of the caller's to add (any member, for themselves)"},
                    "forget_address": {"type": "array", "items": string(), "description": "Addresses of the caller's to forget"},
                    "gift_idea": {"type": "array", "items": string(), "description": "INTEREST=IDEA gift ideas to add to the workspace's catalogue (owners only)"},
                    "no_gift_idea": {"type": "array", "items": string(), "description": "INTEREST=IDEA gift ideas to take out: the workspace's own, or built-in ones (owners only)"}
                }))), "200", Some(r("Settings")))
        },
        "/feed": {"post": op("rotateFeed", "A new secret calendar feed path for the caller (the old one stops working)", vec![], None, "201",
            Some(json!({"type": "object", "required": ["path"], "properties": {"path": string()}})))},
        "/mail/import": {"post": mail_import()},
        "/suggestions": {
            "get": op("listSuggestions", "Promises found in the caller's mail, on offer (the newest message first)", vec![limit(1000), cursor()], None, "200",
                Some(json!({
                    "type": "object",
                    "required": ["items", "next_cursor", "total"],
                    "properties": {"items": {"type": "array", "items": r("Suggestion")}, "next_cursor": nullable("string"), "total": {"type": "integer"}}
                })))
        },
        "/suggestions/{id}": {"get": op("getSuggestion", "One of the caller's suggestions, whatever its state", vec![path_id("suggestion")], None, "200", Some(r("Suggestion")))},
        "/suggestions/{id}/accept": {"post": accept_suggestion()},
        "/suggestions/{id}/dismiss": {
            "post": op("dismissSuggestion", "Not a promise, or not one to keep track of", vec![path_id("suggestion")], None, "200", Some(r("Suggestion")))
        },
        "/import/vcard": {"post": file_import("importVcard", "Import contacts from a vCard file (the body); all or nothing", "text/vcard", false)},
        "/import/csv": {"post": file_import("importCsv", "Import contacts from a CSV file (the body): Google, Outlook, HubSpot or Rapport columns; all or nothing", "text/csv", true)},
        "/export/vcard": {"get": file_export("exportVcard", "Every live contact as vCard", "text/vcard",
            vec![query("version", json!({"type": "string", "enum": ["3.0", "4.0"]}), "vCard version (default 4.0)")])},
        "/export/csv": {"get": file_export("exportCsv", "Every live contact as CSV (formula cells neutralised)", "text/csv", vec![])},
        "/members": {"get": op("listMembers", "The workspace's members", vec![], None, "200", Some(page_of(r("Member"))))},
        "/members/{id}/handoff": {
            "post": op("handoff", "Hand a leaving member's work to another (owners only)", vec![path_id("member (user id or email)")],
                Some(body(&["to"], json!({"to": text()}))), "200", Some(r("Handoff")))
        },
        "/tokens": {
            "get": op("listTokens", "The caller's API tokens (never their secrets)", vec![], None, "200", Some(page_of(r("Token")))),
            "post": op("createToken", "Create an API token, shown once", vec![],
                Some(body(&["name"], json!({"name": text()}))), "201", Some(r("CreatedToken")))
        },
        "/tokens/{id}": {"delete": op("revokeToken", "Revoke one of the caller's tokens", vec![id()], None, "204", None)}
    });
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Rapport API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "A trust-first relationship manager: contacts and their memory, a two-way ledger of promises, explainable trust, Today. Authenticate with Authorization: Bearer TOKEN (rapport token create EMAIL)."
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": schemas()
        }
    })
}

/// Every documented (method, path), for the test that compares them with the router.
pub fn operations() -> Vec<(String, String)> {
    let doc = document();
    let mut out = Vec::new();
    if let Some(paths) = doc["paths"].as_object() {
        for (path, item) in paths {
            if let Some(methods) = item.as_object() {
                for m in methods.keys() {
                    out.push((m.to_uppercase(), path.clone()));
                }
            }
        }
    }
    out.sort();
    out
}
