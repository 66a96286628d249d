//! Tests of [`super`] (`vault.rs`), kept in their own file.

use super::*;

fn spec(auth: &str) -> VaultCredentials {
    serde_norway::from_str(&format!(
        "address: http://v:8200\nauth: {auth}\nsecret: {{path: auth0/t}}\n"
    ))
    .unwrap()
}

#[test]
fn identities_differ_by_method_role_and_namespace() {
    let k = spec("{kubernetes: {role: scan}}");
    let a = VaultIdentity::of(&k, "ns1", "authpath-scan").unwrap();
    assert_eq!(a, VaultIdentity::of(&k, "ns1", "authpath-scan").unwrap());
    assert_ne!(a, VaultIdentity::of(&k, "ns2", "authpath-scan").unwrap());
    let other_role = spec("{kubernetes: {role: other}}");
    assert_ne!(
        a,
        VaultIdentity::of(&other_role, "ns1", "authpath-scan").unwrap()
    );
    match a.method {
        LoginMethod::Kubernetes {
            service_account,
            mount,
            ..
        } => {
            assert_eq!(service_account, "authpath-scan");
            assert_eq!(mount, "kubernetes");
        }
        _ => panic!("kubernetes method expected"),
    }
    assert!(VaultIdentity::of(&spec("{}"), "ns", "sa").is_none());
}

#[test]
fn vault_errors_map_to_reasons() {
    let sealed = map_error(
        "http://v",
        None,
        ClientError::APIError {
            code: 503,
            errors: vec![],
        },
    );
    assert_eq!(sealed.reason(), "VaultSealed");
    let denied = map_error(
        "http://v",
        Some("kubernetes"),
        ClientError::APIError {
            code: 403,
            errors: vec!["permission denied".into()],
        },
    );
    assert_eq!(denied.reason(), "VaultLoginFailed");
    let other = map_error(
        "http://v",
        None,
        ClientError::APIError {
            code: 500,
            errors: vec![],
        },
    );
    assert_eq!(other.reason(), "VaultUnreachable");
}

#[test]
fn sessions_renew_after_two_thirds_and_expire_at_the_lease() {
    let settings = VaultClientSettingsBuilder::default()
        .address("http://127.0.0.1:1")
        .token("")
        .build()
        .unwrap();
    let start = Instant::now();
    let session = VaultSession {
        client: VaultClient::new(settings).unwrap(),
        owned: true,
        renewable: true,
        lease: Duration::from_secs(300),
        refreshed_at: start,
    };
    assert!(!session.needs_renewal(start + Duration::from_secs(100)));
    assert!(session.needs_renewal(start + Duration::from_secs(200)));
    assert!(!session.expired(start + Duration::from_secs(299)));
    assert!(session.expired(start + Duration::from_secs(300)));
}
