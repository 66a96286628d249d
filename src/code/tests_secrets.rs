//! Analyzer tests of hard-coded secrets found through the code around a literal: after a
//! spread, inside a form body or query string, as the fallback of a configured secret, and
//! a hard-coded value used as a `clientSecret`. Each has a clean look-alike.

use super::effects::{EffectKind, SecretKind};
use super::tests_flow::action;

/// (line, kind, client id, domain) of each hard-coded secret found.
fn secrets_of(r: &super::CodeReport) -> Vec<(u32, SecretKind, Option<String>, Option<String>)> {
    r.effects
        .iter()
        .filter_map(|e| match &e.kind {
            EffectKind::HardcodedSecret {
                secret_kind,
                client_id,
                domain,
                ..
            } => Some((e.line, *secret_kind, client_id.clone(), domain.clone())),
            _ => None,
        })
        .collect()
}

const SECRET: &str = "Zq8Xw2Lr5Tn9Vb3Hm6Kc1Pd4Sg7Jf0Ya2Ue5Io8";
const CLIENT_ID: &str = "aB3dE5gH7jK9mN1pQ3sT5vX7";

/// A credential-named literal after a spread is found on its own line, with its sibling client
/// id; the spread object's own properties are not blamed on it.
#[test]
fn credential_after_a_spread_in_an_object_literal() {
    let r = action(&format!(
        "const base = {{ audience: 'https://api.example.com/' }};\nconst m = new ManagementClient({{\n  ...base,\n  domain: 'acme.eu.auth0.com',\n  clientId: '{CLIENT_ID}',\n  clientSecret: '{SECRET}',\n}});",
    ));
    assert_eq!(
        secrets_of(&r),
        vec![(
            7, // line 6 of the body, after the wrapper's first line
            SecretKind::ClientSecret,
            Some(CLIENT_ID.to_string()),
            Some("acme.eu.auth0.com".to_string())
        )]
    );
}

#[test]
fn a_client_secret_inside_a_form_body_is_found_with_its_client_id() {
    let r = action(&format!(
        "await fetch('https://acme.eu.auth0.com/oauth/token', {{\n  method: 'POST',\n  body: 'grant_type=client_credentials&client_id={CLIENT_ID}&client_secret={SECRET}',\n}});",
    ));
    assert_eq!(
        secrets_of(&r),
        vec![(
            4,
            SecretKind::ClientSecret,
            Some(CLIENT_ID.to_string()),
            None
        )]
    );
    let masked = format!("{r:?}");
    assert!(
        !masked.contains(SECRET),
        "the raw secret never reaches the report"
    );
    // The same body reading the secret from event.secrets holds no hard-coded credential.
    let r = action(&format!(
        "await fetch('https://acme.eu.auth0.com/oauth/token', {{\n  method: 'POST',\n  body: `grant_type=client_credentials&client_id={CLIENT_ID}&client_secret=${{event.secrets.SECRET}}`,\n}});",
    ));
    assert!(secrets_of(&r).is_empty(), "{:?}", secrets_of(&r));
}

#[test]
fn a_literal_fallback_for_a_configured_secret_is_a_copy_of_it() {
    let r = action(&format!(
        "const secret = event.secrets.MGMT_SECRET || '{SECRET}';\nconst auth = new AuthenticationClient({{ domain: 'acme.eu.auth0.com', clientId: '{CLIENT_ID}', clientSecret: secret }});",
    ));
    assert_eq!(
        secrets_of(&r),
        vec![(
            2,
            SecretKind::ClientSecret,
            Some(CLIENT_ID.to_string()),
            Some("acme.eu.auth0.com".to_string())
        )]
    );
    // Fallbacks that are references or plain settings are not secrets.
    let r = action(
        "const url = event.secrets.API_URL || 'https://api.example.com/v1';\nconst region = event.secrets.REGION || 'eu-west-1';\nconst domain = event.secrets.AUTH0_DOMAIN || 'acme.eu.auth0.com';\nconst id = event.secrets.CLIENT_ID || 'aB3dE5gH7jK9mN1pQ3sT5vX7';",
    );
    assert!(secrets_of(&r).is_empty(), "{:?}", secrets_of(&r));
}

#[test]
fn a_database_password_beside_a_host_is_not_called_a_client_credential() {
    let r = super::tests_flow::run(
        "function login(email, password, callback) {\n  const c = mysql.createConnection({ host: 'db.example.com', user: 'auth0', password: 'S3cr3tDbPassw0rd!xyz' });\n  callback(null, { user_id: '1', email: email });\n}",
    );
    let messages: Vec<&str> = r
        .findings
        .iter()
        .filter(|f| f.rule == "code.hardcoded-secret")
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(messages.len(), 1, "{:?}", r.findings);
    assert!(!messages[0].contains("client id"), "{messages:?}");
}
