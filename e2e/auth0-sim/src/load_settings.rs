//! Tenant settings from an export: log streams, attack protection, Guardian (MFA) factors and
//! policies, the email provider (without the credentials the API never returns) and templates,
//! custom domains, prompts and users.

use serde_json::{Value, json};

use crate::ids;
use crate::load::{Dir, LoadError, obj, str_of};
use crate::store::Tenant;

/// Secret-bearing email provider credential keys the API never returns.
const EMAIL_SECRET_KEYS: &[&str] = &[
    "api_key",
    "smtp_pass",
    "smtp_user",
    "accessKeyId",
    "secretAccessKey",
    "connectionString",
    "clientSecret",
    "tenantId",
    "clientId",
];

/// Log streams, attack protection, MFA factors and policies, email provider and templates,
/// custom domains, prompts and users.
pub(crate) fn load_settings(dir: &Dir, t: &mut Tenant) -> Result<(), LoadError> {
    for (_, mut s) in dir.list("log-streams")? {
        let name = str_of(&s, "name").to_string();
        obj(&mut s).entry("id").or_insert_with(|| {
            json!(format!(
                "lst_{}",
                ids::hex24(&name).get(..16).unwrap_or_default()
            ))
        });
        t.log_streams.push(s);
    }
    for (stem, v) in dir.list("attack-protection")? {
        t.attack_protection.insert(stem, v);
    }
    t.guardian_factors = dir
        .list("guardian/factors")?
        .into_iter()
        .map(|(_, v)| v)
        .collect();
    if let Some(p) = dir.single("guardian/policies.json")? {
        t.guardian_policies = p
            .get("policies")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
    }
    t.phone_selected_provider = dir.single("guardian/phoneFactorSelectedProvider.json")?;
    t.phone_message_types = dir.single("guardian/phoneFactorMessageTypes.json")?;
    for (stem, mut v) in dir.list("emails")? {
        if stem == "provider" {
            if let Some(creds) = v.get_mut("credentials").and_then(Value::as_object_mut) {
                creds.retain(|k, _| !EMAIL_SECRET_KEYS.contains(&k.as_str()));
            }
            t.email_provider = Some(v);
            continue;
        }
        let body = dir.code(
            str_of(&v, "body"),
            &[dir.root.join("emails"), dir.root.clone()],
        );
        obj(&mut v).insert("body".into(), json!(body));
        t.email_templates.insert(stem, v);
    }
    t.custom_domains = dir
        .single("custom-domains/custom-domains.json")?
        .and_then(|v| v.as_array().cloned())
        .unwrap_or_default();
    t.prompts = dir.single("prompts/prompts.json")?;
    t.users = dir.list("users")?.into_iter().map(|(_, v)| v).collect();
    Ok(())
}
