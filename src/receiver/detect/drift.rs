//! Configuration-drift detections read from Management API changes (`sapi`): Management API
//! grants created or widened, attack protection weakened, MFA downgraded, cross-origin
//! authentication or insecure grant types enabled on an application, code (Actions, Rules, Hooks,
//! flow bindings) changed, and client secrets read through the API.

use std::collections::{BTreeSet, HashMap};

use serde_json::Value;

use crate::findings::Severity;

use super::super::classify::{Category, Classified};
use super::super::directory::ObjectDirectory;
use super::super::event::LogEvent;
use super::super::mgmt_path::{ConfigChange, Operation, Resource};
use super::{Detection, DetectionKind};

/// Most grants whose scopes are remembered to tell "widened" from "unchanged".
const MAX_KNOWN_GRANTS: usize = 10_000;

/// Drift detections; remembers the scopes of Management API grants it has seen.
#[derive(Debug, Default)]
pub struct DriftDetector {
    grant_scopes: HashMap<String, BTreeSet<String>>,
}

/// Whether an audience is the Management API (`https://{tenant}/api/v2/`).
pub fn is_management_audience(audience: &str) -> bool {
    audience.trim_end_matches('/').ends_with("/api/v2")
}

fn is_write_scope(scope: &str) -> bool {
    ["create:", "update:", "delete:"]
        .iter()
        .any(|p| scope.starts_with(p))
}

fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        Some(Value::String(s)) => s.split_whitespace().map(str::to_string).collect(),
        _ => Vec::new(),
    }
}

impl DriftDetector {
    pub fn inspect(
        &mut self,
        event: &LogEvent,
        classified: &Classified,
        directory: &ObjectDirectory,
        out: &mut Vec<Detection>,
    ) {
        if classified.category == Category::SecretRead {
            secret_read(event, directory, out);
            return;
        }
        let Some(change) = &classified.change else {
            return;
        };
        match change.resource {
            Resource::ClientGrant => self.grant(event, change, directory, out),
            Resource::BruteForceProtection
            | Resource::BreachedPasswordDetection
            | Resource::SuspiciousIpThrottling => attack_protection(event, change, out),
            Resource::BotDetection | Resource::Captcha => bot_detection(event, out),
            Resource::MfaFactor | Resource::MfaPolicies | Resource::RiskAssessment => {
                mfa(event, change, out)
            }
            Resource::Client => client(event, change, directory, out),
            Resource::Action | Resource::Rule | Resource::Hook | Resource::TriggerBindings => {
                code(event, change, directory, out)
            }
            _ => {}
        }
    }

    fn grant(
        &mut self,
        event: &LogEvent,
        change: &ConfigChange,
        directory: &ObjectDirectory,
        out: &mut Vec<Detection>,
    ) {
        let str_of = |k: &str| event.resulting_field(k).and_then(Value::as_str);
        let grant_id = change
            .id
            .as_deref()
            .or_else(|| str_of("id"))
            .map(str::to_string);
        let known = grant_id.as_deref().and_then(|id| directory.grant(id));
        let audience = str_of("audience").or(known.map(|g| g.audience.as_str()));
        let client_id = str_of("client_id").or(known.map(|g| g.client_id.as_str()));
        if change.operation == Operation::Delete {
            if let Some(id) = &grant_id {
                self.grant_scopes.remove(id);
            }
            return;
        }
        let remembered = grant_id.as_deref().and_then(|id| self.grant_scopes.get(id));
        let mgmt = audience
            .map(is_management_audience)
            .unwrap_or(remembered.is_some());
        if !mgmt {
            return;
        }
        let scopes: BTreeSet<String> = strings(event.changed_field("scope")).into_iter().collect();
        let client = client_id
            .map(|id| {
                directory
                    .name_of(Resource::Client, id)
                    .unwrap_or(id)
                    .to_string()
            })
            .unwrap_or_else(|| "an unknown client".to_string());
        let writes: Vec<&str> = scopes
            .iter()
            .map(String::as_str)
            .filter(|s| is_write_scope(s))
            .collect();
        if change.operation == Operation::Create {
            let severity = if writes.is_empty() {
                Severity::Medium
            } else {
                Severity::High
            };
            out.push(Detection::new(
                DetectionKind::ManagementGrantCreated,
                severity,
                format!(
                    "new Management API grant for {client}: {}",
                    join(scopes.iter())
                ),
            ));
        } else if !scopes.is_empty() {
            let added: Vec<&String> = match remembered {
                Some(before) => scopes.difference(before).collect(),
                // Scopes before the change unknown: report the write scopes it holds.
                None => scopes.iter().filter(|s| is_write_scope(s)).collect(),
            };
            if !added.is_empty() {
                let severity = if added.iter().any(|s| is_write_scope(s)) {
                    Severity::High
                } else {
                    Severity::Medium
                };
                out.push(Detection::new(
                    DetectionKind::ManagementGrantWidened,
                    severity,
                    format!(
                        "Management API grant for {client} widened: {}",
                        join(added.into_iter())
                    ),
                ));
            }
        }
        if let Some(id) = grant_id
            && !scopes.is_empty()
            && (self.grant_scopes.len() < MAX_KNOWN_GRANTS || self.grant_scopes.contains_key(&id))
        {
            self.grant_scopes.insert(id, scopes);
        }
    }
}

fn join<'a>(items: impl Iterator<Item = &'a String>) -> String {
    let v: Vec<&str> = items.take(20).map(String::as_str).collect();
    if v.is_empty() {
        "(no scopes)".to_string()
    } else {
        v.join(" ")
    }
}

fn attack_protection(event: &LogEvent, change: &ConfigChange, out: &mut Vec<Detection>) {
    let feature = match change.resource {
        Resource::BruteForceProtection => "brute-force protection",
        Resource::BreachedPasswordDetection => "breached password detection",
        _ => "suspicious IP throttling",
    };
    let mut weak = Vec::new();
    if event.resulting_field("enabled") == Some(&Value::Bool(false)) {
        weak.push("turned off".to_string());
    }
    if change.resource != Resource::SuspiciousIpThrottling
        && let Some(shields) = event.resulting_field("shields").filter(|v| v.is_array())
        && !strings(Some(shields)).iter().any(|s| s == "block")
    {
        weak.push("no longer blocks (monitoring only)".to_string());
    }
    if change.resource == Resource::BreachedPasswordDetection {
        let signup = event
            .resulting_field("stage")
            .and_then(|s| s.get("pre-user-registration"))
            .and_then(|s| s.get("shields"));
        if signup.is_some_and(|v| v.is_array() && !strings(Some(v)).iter().any(|s| s == "block")) {
            weak.push("no longer blocks breached passwords at signup".to_string());
        }
    }
    if !weak.is_empty() {
        out.push(Detection::new(
            DetectionKind::AttackProtectionWeakened,
            Severity::High,
            format!("{feature} {}", weak.join(", ")),
        ));
    }
}

fn bot_detection(event: &LogEvent, out: &mut Vec<Detection>) {
    const POLICIES: [&str; 7] = [
        "bot_detection_level",
        "policy",
        "passwordless_policy",
        "password_reset_policy",
        "challenge_password_policy",
        "challenge_passwordless_policy",
        "challenge_password_reset_policy",
    ];
    let off: Vec<&str> = POLICIES
        .into_iter()
        .filter(|k| {
            event
                .changed_field(k)
                .and_then(Value::as_str)
                .is_some_and(|v| v == "off" || v == "never")
        })
        .collect();
    if !off.is_empty() {
        out.push(Detection::new(
            DetectionKind::AttackProtectionWeakened,
            Severity::High,
            format!("bot detection switched off: {}", off.join(", ")),
        ));
    }
}

fn mfa(event: &LogEvent, change: &ConfigChange, out: &mut Vec<Detection>) {
    let summary = match change.resource {
        Resource::MfaFactor if event.changed_field("enabled") == Some(&Value::Bool(false)) => {
            let factor = change.id.as_deref().unwrap_or("a factor");
            Some(format!("MFA factor {factor} disabled"))
        }
        Resource::MfaPolicies => {
            let policies = event
                .request_body()
                .filter(|b| b.is_array())
                .or_else(|| event.response_body().filter(|b| b.is_array()));
            policies.and_then(|p| {
                let p = strings(Some(p));
                let enforced = p
                    .iter()
                    .any(|s| s == "all-applications" || s == "confidence-score");
                (!enforced).then(|| "MFA policy set to never (no enforcement)".to_string())
            })
        }
        Resource::RiskAssessment => {
            let off = ["enabled", "AfterAuthentication"]
                .into_iter()
                .any(|k| event.changed_field(k) == Some(&Value::Bool(false)));
            off.then(|| "adaptive MFA risk assessment switched off".to_string())
        }
        _ => None,
    };
    if let Some(s) = summary {
        out.push(Detection::new(
            DetectionKind::MfaDowngraded,
            Severity::High,
            s,
        ));
    }
}

fn client_label(event: &LogEvent, change: &ConfigChange, directory: &ObjectDirectory) -> String {
    let named = event.resulting_field("name").and_then(Value::as_str);
    let by_id = change
        .id
        .as_deref()
        .map(|id| directory.name_of(Resource::Client, id).unwrap_or(id));
    named.or(by_id).unwrap_or("a new application").to_string()
}

fn client(
    event: &LogEvent,
    change: &ConfigChange,
    directory: &ObjectDirectory,
    out: &mut Vec<Detection>,
) {
    if !matches!(change.operation, Operation::Create | Operation::Update) {
        return;
    }
    let cors = ["cross_origin_authentication", "cross_origin_auth"]
        .into_iter()
        .any(|k| event.changed_field(k) == Some(&Value::Bool(true)));
    if cors {
        let app = client_label(event, change, directory);
        out.push(Detection::new(
            DetectionKind::CrossOriginAuthEnabled,
            Severity::Medium,
            format!("cross-origin authentication enabled on {app}"),
        ));
    }
    let insecure: Vec<String> = strings(event.changed_field("grant_types"))
        .into_iter()
        .filter(|g| g == "implicit" || g == "password" || g.ends_with("/grant-type/password-realm"))
        .collect();
    if !insecure.is_empty() {
        let app = client_label(event, change, directory);
        out.push(Detection::new(
            DetectionKind::InsecureGrantTypeEnabled,
            Severity::Medium,
            format!("insecure grant types on {app}: {}", insecure.join(" ")),
        ));
    }
}

fn code(
    event: &LogEvent,
    change: &ConfigChange,
    directory: &ObjectDirectory,
    out: &mut Vec<Detection>,
) {
    let verb = match change.operation {
        Operation::Create => "created",
        Operation::Update => "updated",
        Operation::Deploy => "deployed",
        Operation::Delete | Operation::Rotate => return,
    };
    let id = change.id.as_deref();
    let (kind, name) = match change.resource {
        Resource::TriggerBindings => ("flow", id.map(|t| format!("{t} bindings"))),
        r => {
            let label = match r {
                Resource::Action => "Action",
                Resource::Rule => "Rule",
                _ => "Hook",
            };
            let named = event.resulting_field("name").and_then(Value::as_str);
            let learned = id.and_then(|i| directory.name_of(r, i));
            (label, named.or(learned).or(id).map(str::to_string))
        }
    };
    let name = name.unwrap_or_else(|| "(unnamed)".to_string());
    out.push(Detection::new(
        DetectionKind::CodeChanged,
        Severity::Medium,
        format!("{kind} {name} {verb}"),
    ));
}

fn secret_read(event: &LogEvent, directory: &ObjectDirectory, out: &mut Vec<Detection>) {
    let accessed = event.accessed_secrets();
    if !strings(accessed).iter().any(|s| s == "client_secret") {
        return;
    }
    let client = event
        .request_path()
        .and_then(|p| p.split('/').skip_while(|s| *s != "clients").nth(1))
        .map(|id| {
            directory
                .name_of(Resource::Client, id)
                .unwrap_or(id)
                .to_string()
        })
        .unwrap_or_else(|| "a client".to_string());
    out.push(Detection::new(
        DetectionKind::ClientSecretRead,
        Severity::Medium,
        format!("client secret of {client} read through the Management API"),
    ));
}

#[cfg(test)]
#[path = "drift_tests.rs"]
mod tests;
