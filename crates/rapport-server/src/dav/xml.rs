//! WebDAV bodies: a small tree read from a request (names resolved to their namespaces),
//! and the pieces of a multistatus answer.

use quick_xml::NsReader;
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;

pub const DAV: &str = "DAV:";
pub const CARDDAV: &str = "urn:ietf:params:xml:ns:carddav";
pub const CS: &str = "http://calendarserver.org/ns/";

/// The deepest nesting and the most elements a request body may have.
const MAX_DEPTH: usize = 32;
const MAX_ELEMENTS: usize = 200_000;

/// An element of a request body.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Element {
    pub ns: String,
    pub name: String,
    pub children: Vec<Element>,
    /// Its text (the text directly inside it, joined).
    pub text: String,
    /// Its attributes by local name (namespaces aside), values unescaped.
    pub attrs: Vec<(String, String)>,
}

impl Element {
    /// Whether it is `{ns}name`.
    pub fn is(&self, ns: &str, name: &str) -> bool {
        self.ns == ns && self.name == name
    }

    /// Its first child `{ns}name`.
    pub fn child(&self, ns: &str, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.is(ns, name))
    }

    /// The value of its attribute `name`, if any.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Its children `{ns}name`.
    pub fn all<'a>(&'a self, ns: &'a str, name: &'a str) -> impl Iterator<Item = &'a Element> {
        self.children.iter().filter(move |c| c.is(ns, name))
    }
}

/// Reads a request body. An error says what is wrong with it.
pub fn parse(body: &str) -> Result<Element, String> {
    let mut reader = NsReader::from_str(body);
    let mut stack: Vec<Element> = Vec::new();
    let mut count = 0usize;
    let mut root = None;
    loop {
        let (ns, event) = reader
            .read_resolved_event()
            .map_err(|e| format!("the body is not well-formed XML: {e}"))?;
        let ns = match ns {
            ResolveResult::Bound(n) => n.0.to_owned(),
            ResolveResult::Unbound => String::new(),
            ResolveResult::Unknown(p) => return Err(format!("unknown namespace prefix {p:?}")),
        };
        match event {
            Event::Start(_) | Event::Empty(_) if root.is_some() => {
                return Err("more than one root element".into());
            }
            Event::Start(e) => {
                count += 1;
                if stack.len() >= MAX_DEPTH || count > MAX_ELEMENTS {
                    return Err("the body is nested too deeply or is too long".into());
                }
                stack.push(Element {
                    ns,
                    name: e.local_name().into_inner().to_owned(),
                    attrs: attributes(&e)?,
                    ..Default::default()
                });
            }
            Event::Empty(e) => {
                count += 1;
                if count > MAX_ELEMENTS {
                    return Err("the body is too long".into());
                }
                let el = Element {
                    ns,
                    name: e.local_name().into_inner().to_owned(),
                    attrs: attributes(&e)?,
                    ..Default::default()
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None => root = Some(el),
                }
            }
            Event::End(_) => {
                let Some(el) = stack.pop() else {
                    return Err("an end tag without its start".into());
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None => root = Some(el),
                }
            }
            Event::Text(t) => {
                if let Some(el) = stack.last_mut() {
                    el.text.push_str(&t.xml10_content());
                }
            }
            Event::CData(t) => {
                if let Some(el) = stack.last_mut() {
                    el.text.push_str(&t.into_inner());
                }
            }
            Event::GeneralRef(r) => {
                let c = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    _ => match &*r.xml10_content() {
                        "amp" => Some('&'),
                        "lt" => Some('<'),
                        "gt" => Some('>'),
                        "apos" => Some('\''),
                        "quot" => Some('"'),
                        other => return Err(format!("unknown entity &{other};")),
                    },
                };
                if let (Some(el), Some(c)) = (stack.last_mut(), c) {
                    el.text.push(c);
                }
            }
            Event::DocType(_) => return Err("a DOCTYPE is not accepted".into()),
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
        }
    }
    if !stack.is_empty() {
        return Err("the body ends inside an element".into());
    }
    root.ok_or_else(|| "the body has no element".into())
}

fn attributes(e: &quick_xml::events::BytesStart<'_>) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for a in e.attributes() {
        let a = a.map_err(|e| format!("a bad attribute: {e}"))?;
        let value = a
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|e| format!("a bad attribute value: {e}"))?;
        out.push((
            a.key.local_name().into_inner().to_owned(),
            value.into_owned(),
        ));
    }
    Ok(out)
}

/// Text escaped for XML content or an attribute value.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}

/// The start of a multistatus answer.
pub fn multistatus_start() -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<d:multistatus xmlns:d=\"{DAV}\" \
         xmlns:card=\"{CARDDAV}\" xmlns:cs=\"{CS}\">\n"
    )
}

pub const MULTISTATUS_END: &str = "</d:multistatus>\n";

/// A property's element name as written in an answer.
pub fn tag(ns: &str, name: &str) -> (String, String) {
    match ns {
        DAV => (format!("d:{name}"), String::new()),
        CARDDAV => (format!("card:{name}"), String::new()),
        CS => (format!("cs:{name}"), String::new()),
        // No namespace: unprefixed, in none.
        "" => (name.to_owned(), " xmlns=\"\"".to_owned()),
        other => (
            format!("x:{name}"),
            format!(" xmlns:x=\"{}\"", escape(other)),
        ),
    }
}

/// An error body naming the precondition that failed (RFC 4918 §16).
pub fn error_body(ns: &str, condition: &str, inner: &str) -> String {
    let (t, decl) = tag(ns, condition);
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<d:error xmlns:d=\"{DAV}\" \
         xmlns:card=\"{CARDDAV}\" xmlns:cs=\"{CS}\"><{t}{decl}>{inner}</{t}></d:error>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_propfind_body_reads_with_its_namespaces() {
        let body = r#"<?xml version="1.0"?>
            <D:propfind xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav">
              <D:prop><D:getetag/><C:address-data/><x:odd xmlns:x="urn:x"/></D:prop>
            </D:propfind>"#;
        let root = parse(body).expect("parsed");
        assert!(root.is(DAV, "propfind"));
        let prop = root.child(DAV, "prop").expect("prop");
        let names: Vec<(&str, &str)> = prop
            .children
            .iter()
            .map(|c| (c.ns.as_str(), c.name.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                (DAV, "getetag"),
                (CARDDAV, "address-data"),
                ("urn:x", "odd")
            ]
        );
    }

    #[test]
    fn text_with_entities_and_bad_bodies() {
        let root = parse(r#"<d:href xmlns:d="DAV:">/a%20b&amp;c&#x41;</d:href>"#).expect("ok");
        assert_eq!(root.text, "/a%20b&cA");
        for bad in [
            "",
            "<a>",
            "<a></b>",
            "not xml",
            "<!DOCTYPE x [<!ENTITY e \"boom\">]><a>&e;</a>",
            "<p:a/>",
            "<a/><b/>",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
        let deep = "<a>".repeat(100) + &"</a>".repeat(100);
        assert!(parse(&deep).is_err());
    }
}
