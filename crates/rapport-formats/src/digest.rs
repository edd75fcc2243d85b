//! The daily digest: Today as an email, in plain text and in HTML (the same content), each
//! item under its heading with why it is there.

use rapport_core::today::Today;

/// A digest ready to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Digest {
    pub subject: String,
    pub text: String,
    pub html: String,
}

fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Renders `today` for `name`; `link`, when given, is where Rapport's Today page is.
pub fn render(today: &Today, name: &str, link: Option<&str>) -> Digest {
    let day = today.date.strftime("%A %-d %B %Y").to_string();
    let count = today.items.len();
    let subject = match count {
        0 => format!("Rapport, {day}: nothing due"),
        1 => format!("Rapport, {day}: 1 thing to do"),
        n => format!("Rapport, {day}: {n} things to do"),
    };
    let mut text = format!("Good morning, {name}. Today, {day}.\n");
    let mut html = format!(
        "<!doctype html><html><body style=\"font-family:sans-serif;max-width:40em\">\
         <p>Good morning, {}. Today, {}.</p>",
        escape_html(name),
        escape_html(&day)
    );
    for n in &today.notes {
        text.push_str(&format!("\nNote: {n}\n"));
        html.push_str(&format!("<p><em>Note:</em> {}</p>", escape_html(&n.text)));
    }
    if count == 0 {
        text.push_str("\nNothing is due, nobody is going cold: a good day to call someone.\n");
        html.push_str("<p>Nothing is due, nobody is going cold: a good day to call someone.</p>");
    }
    let mut current = None;
    for item in &today.items {
        if current != Some(item.kind) {
            if current.is_some() {
                html.push_str("</ul>");
            }
            current = Some(item.kind);
            let h = item.kind.heading();
            text.push_str(&format!("\n{h}\n{}\n", "-".repeat(h.chars().count())));
            html.push_str(&format!("<h2>{}</h2><ul>", escape_html(h)));
        }
        let line = format!("{}: {}", item.contact_name, item.text);
        text.push_str(&format!("- {line}\n  {}\n", item.reason));
        html.push_str(&format!(
            "<li><strong>{}</strong><br>{}",
            escape_html(&line),
            escape_html(&item.reason)
        ));
        if let Some(r) = &item.reminder {
            text.push_str(&format!("  Reminder to send: {r}\n"));
            html.push_str(&format!(
                "<br><em>Reminder to send:</em> {}",
                escape_html(r)
            ));
        }
        html.push_str("</li>");
    }
    if current.is_some() {
        html.push_str("</ul>");
    }
    for m in &today.more {
        let l = format!("{} more of “{}”.", m.count, m.kind.heading());
        text.push_str(&format!("\n{l}\n"));
        html.push_str(&format!("<p>{}</p>", escape_html(&l)));
    }
    if let Some(link) = link {
        text.push_str(&format!("\nOpen Today: {link}\n"));
        html.push_str(&format!(
            "<p><a href=\"{}\">Open Today in Rapport</a></p>",
            escape_html(link)
        ));
    }
    html.push_str("</body></html>\n");
    Digest {
        subject,
        text,
        html,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rapport_core::ids::ContactId;
    use rapport_core::today::{TodayItem, TodayKind};

    fn item(kind: TodayKind, who: &str, text: &str) -> TodayItem {
        TodayItem {
            kind,
            contact_id: ContactId::generate(),
            contact_name: who.into(),
            text: text.into(),
            due: None,
            reason: "due today".into(),
            commitment_id: None,
            request_id: None,
            reminder: None,
            gesture_id: None,
            suggestion: None,
            suggestion_id: None,
            direction: None,
            forecast: None,
            forecast_reason: None,
            campaign_id: None,
        }
    }

    #[test]
    fn both_parts_say_the_same_and_html_is_escaped() {
        let today = Today {
            date: jiff::civil::date(2026, 11, 25),
            items: vec![
                item(
                    TodayKind::MineDue,
                    "Ana <Lima>",
                    "Send the samples & prices",
                ),
                item(TodayKind::GoingCold, "Kenji", "Get in touch"),
            ],
            more: Vec::new(),
            notes: Vec::new(),
        };
        let d = render(&today, "Bo", Some("http://127.0.0.1:7420/today"));
        assert_eq!(
            d.subject,
            "Rapport, Wednesday 25 November 2026: 2 things to do"
        );
        assert!(d.text.contains(
            "My promises due\n---------------\n- Ana <Lima>: Send the samples & prices\n"
        ));
        assert!(
            d.html
                .contains("<strong>Ana &lt;Lima&gt;: Send the samples &amp; prices</strong>")
        );
        assert!(d.text.contains("Going cold") && d.html.contains("<h2>Going cold</h2>"));
        assert!(d.text.contains("Open Today: http://127.0.0.1:7420/today"));
        let empty = render(
            &Today {
                date: today.date,
                items: vec![],
                more: vec![],
                notes: vec![],
            },
            "Bo",
            None,
        );
        assert!(empty.subject.ends_with("nothing due"));
    }
}
