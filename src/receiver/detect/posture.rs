//! Detections that compare an event with what the tenant's owners expect: an attack-protection
//! allowlist gaining an address outside the expected ranges, an error page template printing
//! Liquid values without an HTML-escaping filter (XSS), and a Management API token issued to the
//! dashboard's API Explorer client (a token with every Management API scope).

use std::net::IpAddr;
use std::sync::LazyLock;

use ipnet::IpNet;
use regex::Regex;
use serde_json::Value;

use crate::findings::Severity;

use super::super::classify::Classified;
use super::super::event::LogEvent;
use super::super::event_fields::Field;
use super::super::mgmt_path::{Operation, Resource};
use super::{Detection, DetectionKind, is_management_audience};

/// Name Auth0 gives the client behind the dashboard's API Explorer tab.
pub const API_EXPLORER_NAME: &str = "API Explorer Application";

/// Liquid filters that HTML-escape their input.
const ESCAPING_FILTERS: [&str; 4] = ["escape", "escape_once", "h", "html_escape"];

/// What the tenant's owners expect; anything else is reported.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expectations {
    /// Addresses and ranges that may appear in attack-protection allowlists.
    pub allowlist: Vec<IpNet>,
    /// Client ids of the API Explorer application (matched by name as well).
    pub api_explorer_clients: Vec<String>,
}

impl Expectations {
    /// Parses `--expected-allowlist` entries (addresses or CIDR ranges).
    pub fn parse_allowlist(entries: &[String]) -> Result<Vec<IpNet>, String> {
        entries
            .iter()
            .map(|e| {
                parse_net(e).ok_or_else(|| format!("{e:?} is not an IP address or CIDR range"))
            })
            .collect()
    }

    fn expects(&self, entry: &str) -> bool {
        parse_net(entry).is_some_and(|net| self.allowlist.iter().any(|e| e.contains(&net)))
    }
}

fn parse_net(text: &str) -> Option<IpNet> {
    let text = text.trim();
    text.parse::<IpNet>()
        .ok()
        .or_else(|| text.parse::<IpAddr>().ok().map(IpNet::from))
}

/// The posture detections of one event.
pub fn inspect(
    event: &LogEvent,
    classified: &Classified,
    expected: &Expectations,
    out: &mut Vec<Detection>,
) {
    if event.type_code() == "seccft" {
        api_explorer_token(event, expected, out);
        return;
    }
    let Some(change) = &classified.change else {
        return;
    };
    if !matches!(change.operation, Operation::Create | Operation::Update) {
        return;
    }
    match change.resource {
        Resource::BruteForceProtection
        | Resource::SuspiciousIpThrottling
        | Resource::BreachedPasswordDetection
        | Resource::BotDetection => allowlist(event, change.resource, expected, out),
        Resource::TenantSettings => error_page(event, out),
        _ => {}
    }
}

fn allowlist(
    event: &LogEvent,
    resource: Resource,
    expected: &Expectations,
    out: &mut Vec<Detection>,
) {
    let Some(Value::Array(entries)) = event.changed_field("allowlist") else {
        return;
    };
    let unexpected: Vec<&str> = entries
        .iter()
        .filter_map(Value::as_str)
        .filter(|e| !expected.expects(e))
        .take(20)
        .collect();
    if unexpected.is_empty() {
        return;
    }
    let feature = match resource {
        Resource::BruteForceProtection => "brute-force protection",
        Resource::SuspiciousIpThrottling => "suspicious IP throttling",
        Resource::BreachedPasswordDetection => "breached password detection",
        _ => "bot detection",
    };
    out.push(Detection::new(
        DetectionKind::UnexpectedAllowlistEntry,
        Severity::Medium,
        format!(
            "{feature} allowlist holds addresses outside the expected ranges: {}",
            unexpected.join(" ")
        ),
    ));
}

/// `{{ ... }}` output tags of a Liquid template.
static OUTPUT_TAG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\{\{-?\s*(.*?)\s*-?\}\}").expect("valid regex"));

/// Output tags that print a variable without an escaping filter. A tag printing a string literal
/// (`{{ "now" | date: "%Y" }}`) carries no caller input and is not reported.
pub fn unescaped_outputs(template: &str) -> Vec<String> {
    OUTPUT_TAG
        .captures_iter(template)
        .filter_map(|c| c.get(1).map(|m| m.as_str().to_string()))
        .filter(|expr| {
            let mut parts = expr.split('|').map(str::trim);
            let subject = parts.next().unwrap_or("");
            let literal = subject.starts_with('"') || subject.starts_with('\'');
            let escaped = parts.any(|filter| {
                let name = filter.split(':').next().unwrap_or("").trim();
                ESCAPING_FILTERS.contains(&name)
            });
            !subject.is_empty() && !literal && !escaped
        })
        .take(10)
        .collect()
}

fn error_page(event: &LogEvent, out: &mut Vec<Detection>) {
    let Some(html) = event
        .resulting_field("error_page")
        .and_then(|p| p.get("html"))
        .and_then(Value::as_str)
    else {
        return;
    };
    let unescaped = unescaped_outputs(html);
    if unescaped.is_empty() {
        return;
    }
    let shown: Vec<String> = unescaped.iter().map(|e| format!("{{{{ {e} }}}}")).collect();
    out.push(Detection::new(
        DetectionKind::LiquidXssRisk,
        Severity::High,
        format!(
            "error page template prints values without an escaping filter (XSS): {}",
            shown.join(" ")
        ),
    ));
}

fn api_explorer_token(event: &LogEvent, expected: &Expectations, out: &mut Vec<Detection>) {
    let by_id = event
        .client_id()
        .is_some_and(|id| expected.api_explorer_clients.iter().any(|c| c == id));
    let by_name = event.client_name() == Some(API_EXPLORER_NAME);
    let management = event
        .str_field(Field::Audience)
        .is_none_or(is_management_audience);
    if !(by_id || by_name) || !management {
        return;
    }
    let who = event
        .str_field(Field::UserName)
        .filter(|u| !u.is_empty())
        .map(|u| format!(" by {u}"))
        .unwrap_or_default();
    let ip = event
        .ip()
        .map(|ip| format!(" from {ip}"))
        .unwrap_or_default();
    out.push(Detection::new(
        DetectionKind::ApiExplorerToken,
        Severity::Medium,
        format!("Management API token issued to the API Explorer{who}{ip} (every scope)"),
    ));
}

#[cfg(test)]
#[path = "posture_tests.rs"]
mod tests;
