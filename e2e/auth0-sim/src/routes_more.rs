//! The remaining read endpoints: Actions, rules, hooks, roles, users, organizations, tenant
//! settings, attack protection, Guardian, delivery (custom domains, log streams, email) and logs.

use serde_json::{Value, json};

use crate::errors::ApiError;
use crate::paging::{Query, Style, page};
use crate::routes::{Scopes, all_of, any_of, cloned, known_triggers, offset, one, select_fields};
use crate::store::Tenant;

fn not_found() -> ApiError {
    ApiError::not_found("Not Found", None)
}

fn actions_list(t: &Tenant, q: &Query) -> Vec<Value> {
    t.actions
        .iter()
        .filter(|a| {
            q.get("actionName")
                .is_none_or(|n| a.get("name").and_then(Value::as_str) == Some(n))
        })
        .filter(|a| match q.get("deployed") {
            Some("true") => a.get("deployed_version").is_some(),
            Some("false") => a.get("deployed_version").is_none(),
            _ => true,
        })
        .filter(|a| match q.get("triggerId") {
            Some(tid) => a
                .get("supported_triggers")
                .and_then(Value::as_array)
                .is_some_and(|ts| {
                    ts.iter()
                        .any(|x| x.get("id").and_then(Value::as_str) == Some(tid))
                }),
            None => true,
        })
        .filter(|a| {
            q.get("installed") != Some("true") || a.get("installed_integration_id").is_some()
        })
        .cloned()
        .collect()
}

fn logs(t: &Tenant, q: &Query) -> Result<Value, ApiError> {
    if let Some(from) = q.get("from") {
        let take = q
            .get("take")
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or(50)
            .clamp(1, 100);
        let mut after: Vec<Value> = t
            .logs
            .iter()
            .filter(|l| {
                l.get("log_id")
                    .and_then(Value::as_str)
                    .is_some_and(|id| id > from)
            })
            .cloned()
            .collect();
        after.sort_by(|a, b| {
            a.get("log_id")
                .and_then(Value::as_str)
                .cmp(&b.get("log_id").and_then(Value::as_str))
        });
        after.truncate(take);
        return Ok(Value::Array(after));
    }
    let mut newest_first = t.logs.clone();
    newest_first.sort_by(|a, b| {
        b.get("log_id")
            .and_then(Value::as_str)
            .cmp(&a.get("log_id").and_then(Value::as_str))
    });
    if q.get("sort") == Some("date:1") {
        newest_first.reverse();
    }
    page(
        &newest_first,
        q,
        Style::Offset {
            key: "logs",
            checkpoint: false,
            offset_cap: Some(1000),
            users: false,
            length: true,
        },
    )
}

/// Answers the endpoints [`crate::routes`] does not.
pub fn answer(t: &Tenant, scopes: &Scopes, segs: &[&str], q: &Query) -> Result<Value, ApiError> {
    match segs {
        ["actions", "actions"] => {
            any_of(scopes, &["read:actions"])?;
            page(&actions_list(t, q), q, Style::Actions { key: "actions" })
        }
        ["actions", "actions", id] => {
            any_of(scopes, &["read:actions"])?;
            Tenant::find(&t.actions, "id", id)
                .cloned()
                .ok_or_else(|| ApiError::not_found("That action does not exist.", None))
        }
        ["actions", "actions", id, "versions"] => {
            any_of(scopes, &["read:actions"])?;
            let a = Tenant::find(&t.actions, "id", id)
                .ok_or_else(|| ApiError::not_found("That action does not exist.", None))?;
            let versions: Vec<Value> = a.get("deployed_version").cloned().into_iter().collect();
            page(&versions, q, Style::Actions { key: "versions" })
        }
        ["actions", "triggers"] => {
            any_of(scopes, &["read:actions"])?;
            let triggers: Vec<Value> = known_triggers()
                .iter()
                .map(|(id, v)| json!({"id": id, "version": v, "status": "CURRENT", "runtimes": ["node18", "node22"], "default_runtime": "node22", "compatible_triggers": []}))
                .collect();
            Ok(json!({"triggers": triggers}))
        }
        ["actions", "triggers", trigger, "bindings"] => {
            any_of(scopes, &["read:actions"])?;
            let bindings = t.bindings.get(*trigger).cloned().unwrap_or_default();
            page(&bindings, q, Style::Actions { key: "bindings" })
        }
        ["rules"] => {
            any_of(scopes, &["read:rules"])?;
            page(
                &cloned(t.rules.iter().collect(), q),
                q,
                offset("rules", false),
            )
        }
        ["rules-configs"] => {
            any_of(scopes, &["read:rules_configs"])?;
            Ok(Value::Array(t.rules_configs.clone()))
        }
        ["hooks"] => {
            any_of(scopes, &["read:hooks"])?;
            page(
                &cloned(t.hooks.iter().collect(), q),
                q,
                offset("hooks", false),
            )
        }
        ["hooks", id] => {
            any_of(scopes, &["read:hooks"])?;
            one(
                &t.hooks,
                "id",
                id,
                q,
                ApiError::not_found("Error: Hook does not exist", Some("HookDoesNotExist")),
            )
        }
        ["hooks", id, "secrets"] => {
            any_of(scopes, &["read:hooks"])?;
            let names = t.hook_secrets.get(*id).ok_or_else(|| {
                ApiError::not_found("Error: Hook does not exist", Some("HookDoesNotExist"))
            })?;
            Ok(Value::Object(
                names
                    .iter()
                    .map(|n| (n.clone(), json!("_VALUE_NOT_SHOWN_")))
                    .collect(),
            ))
        }
        ["roles"] => {
            any_of(scopes, &["read:roles"])?;
            page(
                &cloned(t.roles.iter().collect(), q),
                q,
                offset("roles", false),
            )
        }
        ["roles", id] => {
            any_of(scopes, &["read:roles"])?;
            one(
                &t.roles,
                "id",
                id,
                q,
                ApiError::not_found("The role does not exist.", None),
            )
        }
        ["roles", id, "permissions"] => {
            any_of(scopes, &["read:roles"])?;
            let perms = t
                .role_permissions
                .get(*id)
                .ok_or_else(|| ApiError::not_found("The role does not exist.", None))?;
            page(perms, q, offset("permissions", false))
        }
        ["roles", id, "users"] => {
            all_of(scopes, &["read:users", "read:roles"])?;
            if !t.role_permissions.contains_key(*id) {
                return Err(ApiError::not_found("The role does not exist.", None));
            }
            page(
                &[],
                q,
                Style::Offset {
                    key: "users",
                    checkpoint: true,
                    offset_cap: Some(1000),
                    users: false,
                    length: false,
                },
            )
        }
        ["users"] => {
            any_of(scopes, &["read:users"])?;
            if matches!(q.get("search_engine"), Some("v1" | "v2")) {
                return Err(ApiError::bad_query(
                    "You are not allowed to use search_engine=v1",
                ));
            }
            page(
                &cloned(t.users.iter().collect(), q),
                q,
                Style::Offset {
                    key: "users",
                    checkpoint: false,
                    offset_cap: None,
                    users: true,
                    length: false,
                },
            )
        }
        ["users", id] => {
            any_of(scopes, &["read:users"])?;
            one(
                &t.users,
                "user_id",
                id,
                q,
                ApiError::not_found("The user does not exist.", Some("inexistent_user")),
            )
        }
        ["organizations"] => {
            any_of(
                scopes,
                &["read:organizations", "read:organizations_summary"],
            )?;
            let style = Style::Offset {
                key: "organizations",
                checkpoint: true,
                offset_cap: Some(1000),
                users: false,
                length: false,
            };
            page(&cloned(t.organizations.iter().collect(), q), q, style)
        }
        ["organizations", id, "enabled_connections"] => {
            any_of(scopes, &["read:organization_connections"])?;
            let conns = t.org_connections.get(*id).ok_or_else(|| {
                ApiError::not_found("No organization found by that id or name", None)
            })?;
            page(conns, q, offset("enabled_connections", false))
        }
        ["organizations", _id, "members"] => {
            any_of(scopes, &["read:organization_members"])?;
            page(&[], q, offset("members", true))
        }
        ["tenants", "settings"] => {
            any_of(scopes, &["read:tenant_settings"])?;
            Ok(select_fields(t.settings.clone(), q))
        }
        ["attack-protection", kind] => {
            any_of(scopes, &["read:attack_protection"])?;
            Ok(t.attack_protection
                .get(*kind)
                .cloned()
                .unwrap_or_else(|| json!({"enabled": false})))
        }
        ["guardian", "factors"] => {
            any_of(scopes, &["read:guardian_factors"])?;
            Ok(Value::Array(t.guardian_factors.clone()))
        }
        ["guardian", "policies"] => {
            any_of(scopes, &["read:mfa_policies"])?;
            Ok(Value::Array(t.guardian_policies.clone()))
        }
        ["guardian", "factors", "phone" | "sms", "selected-provider"] => {
            any_of(scopes, &["read:guardian_factors"])?;
            Ok(t.phone_selected_provider
                .clone()
                .unwrap_or_else(|| json!({"provider": "auth0"})))
        }
        ["guardian", "factors", "phone", "message-types"] => {
            any_of(scopes, &["read:guardian_factors"])?;
            Ok(t.phone_message_types
                .clone()
                .unwrap_or_else(|| json!({"message_types": ["sms"]})))
        }
        ["custom-domains"] => {
            any_of(scopes, &["read:custom_domains"])?;
            page(
                &t.custom_domains,
                q,
                Style::Checkpoint {
                    key: "custom_domains",
                    max_take: 100,
                    bare_without_params: true,
                },
            )
        }
        ["log-streams"] => {
            any_of(scopes, &["read:log_streams"])?;
            Ok(Value::Array(t.log_streams.clone()))
        }
        ["log-streams", id] => {
            any_of(scopes, &["read:log_streams"])?;
            one(
                &t.log_streams,
                "id",
                id,
                q,
                ApiError::not_found("The log stream does not exist.", None),
            )
        }
        ["emails", "provider"] => {
            any_of(scopes, &["read:email_provider"])?;
            let p = t.email_provider.clone().ok_or_else(|| {
                ApiError::not_found(
                    "There is not a configured email provider",
                    Some("inexistent_email_provider"),
                )
            })?;
            Ok(select_fields(p, q))
        }
        ["email-templates", name] => {
            any_of(scopes, &["read:email_templates"])?;
            t.email_templates.get(*name).cloned().ok_or_else(|| {
                ApiError::not_found(
                    "The template does not exist.",
                    Some("inexistent_email_template"),
                )
            })
        }
        ["prompts"] => {
            any_of(scopes, &["read:prompts"])?;
            Ok(t.prompts.clone().unwrap_or_else(|| json!({"universal_login_experience": "new", "identifier_first": false, "webauthn_platform_first_factor": false})))
        }
        ["logs"] => {
            any_of(scopes, &["read:logs", "read:logs_users"])?;
            logs(t, q)
        }
        _ => crate::routes_extra::answer(scopes, segs).unwrap_or_else(|| Err(not_found())),
    }
}
