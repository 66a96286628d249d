//! Refresh-token revocation that leaves the grant in place (catalog GAP revoke-grant-on-rt-revoke).

use crate::checks::context::ScanContext;
use crate::checks::registry::Hit;

use super::support::{config_rule, evidence, settings_file, tenant_ref};

config_rule!(REVOKE_KEEPS_GRANT {
    id: "tenant.refresh-revocation-keeps-grant",
    title: "Revoking a refresh token leaves the user's grant in place",
    severity: Info,
    category: Tenant,
    needs: [TenantSettings],
    reads: ["tenant.flags.revoke_refresh_token_grant"],
    condition: "flags.revoke_refresh_token_grant is false: revoking a refresh token does not revoke the grant, so the application can be re-authorised silently.",
    remediation: "Set flags.revoke_refresh_token_grant to true so revocation ends the grant as well.",
    matches: ["GAP revoke-grant-on-rt-revoke"],
    eval: eval_revoke,
});

fn eval_revoke(ctx: &ScanContext) -> Vec<Hit> {
    let s = ctx.snapshot;
    if s.settings.flags.revoke_refresh_token_grant != Some(false) {
        return Vec::new();
    }
    let d = format!(
        "Tenant \"{}\" keeps the grant when a refresh token is revoked.",
        s.tenant
    );
    vec![Hit::new(vec![tenant_ref(s)], d).with_evidence(evidence(
        &settings_file(s),
        "flags.revoke_refresh_token_grant: false",
    ))]
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::checks::config::test_support::{TenantBuilder, clean, one};

    #[test]
    fn only_an_explicit_false_is_reported() {
        let s = |v: serde_json::Value| {
            TenantBuilder::new()
                .settings(json!({"flags": {"revoke_refresh_token_grant": v}}))
                .build()
        };
        one(&REVOKE_KEEPS_GRANT, &s(json!(false)));
        clean(&REVOKE_KEEPS_GRANT, &s(json!(true)));
        clean(&REVOKE_KEEPS_GRANT, &TenantBuilder::new().build());
    }
}
