//! The single-object settings of a tenant: log streams, attack protection, Guardian, email
//! provider and templates, custom domains, prompts, and the bounded user sample (shapes only).

use serde_json::Value;

use super::error::{LiveError, Result};
use super::fetch::step;
use super::fetch::{
    ATTACK_PROTECTION, EMAIL_TEMPLATES, ProgressEvent, RawTenant, USER_SAMPLE, UserShapes,
    optional as get_optional, refused as refusal,
};
use super::http::ApiClient;
use super::plan::Plan;
use crate::tenant::DataKind;

/// Guardian factor providers the Deploy CLI reads, as `(factor, provider)`.
pub const GUARDIAN_PROVIDERS: &[(&str, &str)] = &[
    ("phone", "twilio"),
    ("sms", "twilio"),
    ("push-notification", "apns"),
    ("push-notification", "sns"),
];

/// The items of a list answer: a bare array, or the one array inside a wrapper object
/// (`{"eventStreams": [...], "next": ...}`).
fn items(v: Value) -> Vec<Value> {
    match v {
        Value::Array(a) => a,
        Value::Object(m) => m
            .into_iter()
            .find_map(|(_, v)| match v {
                Value::Array(a) => Some(a),
                _ => None,
            })
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

fn array(v: Value) -> Vec<Value> {
    match v {
        Value::Array(a) => a,
        _ => Vec::new(),
    }
}

/// Reduces a user sample to shapes: metadata keys and identity providers, never values.
pub fn user_shapes(answer: &Value) -> UserShapes {
    let users: &[Value] = match answer {
        Value::Array(a) => a,
        v => v
            .get("users")
            .and_then(Value::as_array)
            .map_or(&[], Vec::as_slice),
    };
    let mut s = UserShapes {
        total: answer.get("total").and_then(Value::as_u64),
        sampled: users.len(),
        ..UserShapes::default()
    };
    for u in users {
        for (field, keys) in [
            ("app_metadata", &mut s.app_metadata_keys),
            ("user_metadata", &mut s.user_metadata_keys),
        ] {
            if let Some(m) = u.get(field).and_then(Value::as_object) {
                keys.extend(m.keys().cloned());
            }
        }
        for id in u
            .get("identities")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(p) = id.get("provider").and_then(Value::as_str) {
                *s.providers.entry(p.to_string()).or_default() += 1;
            }
        }
    }
    s
}

/// Reads the settings-like kinds `plan` allows into `r`.
pub async fn fetch_settings(
    api: &mut ApiClient,
    plan: &mut Plan,
    progress: &mut dyn FnMut(ProgressEvent),
    r: &mut RawTenant,
) -> Result<()> {
    step!(
        plan,
        progress,
        DataKind::EventStreams,
        "event streams",
        async {
            r.event_streams = items(api.get("event-streams?take=100").await?);
            Ok::<usize, LiveError>(r.event_streams.len())
        }
    );
    step!(plan, progress, DataKind::LogStreams, "log streams", async {
        r.log_streams = array(api.get("log-streams").await?);
        Ok::<usize, LiveError>(r.log_streams.len())
    });
    step!(
        plan,
        progress,
        DataKind::AttackProtection,
        "attack protection",
        async {
            for name in ATTACK_PROTECTION {
                if let Some(v) = get_optional(api, &format!("attack-protection/{name}")).await? {
                    r.attack_protection.insert((*name).to_string(), v);
                }
            }
            Ok::<usize, LiveError>(r.attack_protection.len())
        }
    );
    step!(plan, progress, DataKind::Guardian, "MFA", async {
        r.guardian_factors = array(api.get("guardian/factors").await?);
        r.guardian_policies = array(api.get("guardian/policies").await?);
        r.phone_selected_provider =
            get_optional(api, "guardian/factors/phone/selected-provider").await?;
        r.phone_message_types = get_optional(api, "guardian/factors/phone/message-types").await?;
        for (name, provider) in GUARDIAN_PROVIDERS {
            let path = format!("guardian/factors/{name}/providers/{provider}");
            if let Some(Value::Object(mut m)) = get_optional(api, &path).await?
                && !m.is_empty()
            {
                m.insert("name".into(), Value::from(*name));
                m.insert("provider".into(), Value::from(*provider));
                r.guardian_providers.push(Value::Object(m));
            }
        }
        Ok::<usize, LiveError>(r.guardian_factors.len())
    });
    step!(
        plan,
        progress,
        DataKind::EmailProvider,
        "email provider",
        async {
            r.email_provider = get_optional(api, "emails/provider").await?;
            Ok::<usize, LiveError>(usize::from(r.email_provider.is_some()))
        }
    );
    step!(
        plan,
        progress,
        DataKind::EmailTemplates,
        "email templates",
        async {
            for name in EMAIL_TEMPLATES {
                if let Some(v) = get_optional(api, &format!("email-templates/{name}")).await? {
                    r.email_templates.insert((*name).to_string(), v);
                }
            }
            Ok::<usize, LiveError>(r.email_templates.len())
        }
    );
    step!(
        plan,
        progress,
        DataKind::CustomDomains,
        "custom domains",
        async {
            r.custom_domains = array(api.get("custom-domains").await?);
            Ok::<usize, LiveError>(r.custom_domains.len())
        }
    );
    step!(plan, progress, DataKind::Prompts, "prompts", async {
        r.prompts = get_optional(api, "prompts").await?;
        Ok::<usize, LiveError>(usize::from(r.prompts.is_some()))
    });
    if plan.users {
        progress(ProgressEvent::Started("users (shapes)"));
        let path = format!(
            "users?per_page={USER_SAMPLE}&page=0&include_totals=true&search_engine=v3&fields=user_id,identities,app_metadata,user_metadata&include_fields=true"
        );
        match api.get(&path).await {
            Ok(v) => {
                let shapes = user_shapes(&v);
                progress(ProgressEvent::Finished("users (shapes)", shapes.sampled));
                r.users = Some(shapes);
            }
            Err(e) => match refusal(&e) {
                Some(reason) => progress(ProgressEvent::Skipped("users (shapes)", reason)),
                None => return Err(e),
            },
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn shapes_keep_keys_and_providers_only() {
        let v = json!({"total": 2, "users": [
            {"user_id": "auth0|1", "email": "a@b.c", "app_metadata": {"role": "admin"}, "identities": [{"provider": "auth0"}]},
            {"user_id": "github|2", "user_metadata": {"theme": "dark"}, "identities": [{"provider": "github", "user_id": 2}]}
        ]});
        let s = user_shapes(&v);
        assert_eq!(s.total, Some(2));
        assert_eq!(s.sampled, 2);
        assert!(s.app_metadata_keys.contains("role"));
        assert!(s.user_metadata_keys.contains("theme"));
        assert_eq!(s.providers.get("github"), Some(&1));
        assert!(!format!("{s:?}").contains("a@b.c"));
        assert!(!format!("{s:?}").contains("admin"));
    }
}
