//! Attack protection and Guardian (MFA) configuration.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::lenient::{Extra, null_as_default, opt_lenient_bool, opt_lenient_i64};

/// `brute-force-protection`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BruteForceProtection {
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub enabled: Option<bool>,
    #[serde(deserialize_with = "null_as_default")]
    pub shields: Vec<String>,
    pub mode: Option<String>,
    #[serde(deserialize_with = "null_as_default")]
    pub allowlist: Vec<String>,
    #[serde(deserialize_with = "opt_lenient_i64")]
    pub max_attempts: Option<i64>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// `breached-password-detection`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BreachedPasswordDetection {
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub enabled: Option<bool>,
    #[serde(deserialize_with = "null_as_default")]
    pub shields: Vec<String>,
    #[serde(deserialize_with = "null_as_default")]
    pub admin_notification_frequency: Vec<String>,
    pub method: Option<String>,
    pub stage: Option<Value>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// `suspicious-ip-throttling` (`stage.*.rate` is milliseconds per regenerated attempt).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SuspiciousIpThrottling {
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub enabled: Option<bool>,
    #[serde(deserialize_with = "null_as_default")]
    pub shields: Vec<String>,
    #[serde(deserialize_with = "null_as_default")]
    pub allowlist: Vec<String>,
    pub stage: Option<Value>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// `bot-detection`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BotDetection {
    pub bot_detection_level: Option<String>,
    pub challenge_password_policy: Option<String>,
    pub challenge_passwordless_policy: Option<String>,
    pub challenge_password_reset_policy: Option<String>,
    #[serde(deserialize_with = "null_as_default")]
    pub allowlist: Vec<String>,
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub monitoring_mode_enabled: Option<bool>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// Attack protection; `None` means the source did not provide that part.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AttackProtection {
    pub brute_force: Option<BruteForceProtection>,
    pub breached_password: Option<BreachedPasswordDetection>,
    pub suspicious_ip: Option<SuspiciousIpThrottling>,
    pub bot_detection: Option<BotDetection>,
    /// `{active_provider_id, <provider>: {...}}`; provider secrets masked in exports.
    pub captcha: Option<Value>,
}

/// A Guardian factor (`sms`, `otp`, `push-notification`, `webauthn-roaming`, ...).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GuardianFactor {
    pub name: String,
    #[serde(deserialize_with = "opt_lenient_bool")]
    pub enabled: Option<bool>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// A Guardian factor provider configuration (twilio, sns, duo...). May hold live credentials
/// (`auth_token`, `skey`): Debug never prints `extra`.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GuardianProvider {
    pub name: String,
    pub provider: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

impl std::fmt::Debug for GuardianProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GuardianProvider")
            .field("name", &self.name)
            .field("provider", &self.provider)
            .finish_non_exhaustive()
    }
}

/// Guardian (MFA) configuration.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Guardian {
    pub factors: Vec<GuardianFactor>,
    /// `[]` never, `["all-applications"]` always, `["confidence-score"]` adaptive.
    pub policies: Vec<String>,
    pub providers: Vec<GuardianProvider>,
    /// `guardianPhoneFactorSelectedProvider.provider`.
    pub phone_selected_provider: Option<String>,
    /// `guardianPhoneFactorMessageTypes.message_types`.
    pub phone_message_types: Vec<String>,
}

impl Guardian {
    /// Names of enabled factors.
    pub fn enabled_factors(&self) -> Vec<&str> {
        self.factors
            .iter()
            .filter(|f| f.enabled == Some(true))
            .map(|f| f.name.as_str())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attack_protection_parts_parse() {
        let bf: BruteForceProtection = serde_json::from_str(
            r#"{"enabled":true,"shields":["block"],"mode":"count_per_identifier","max_attempts":"10","allowlist":null}"#,
        )
        .unwrap();
        assert_eq!(bf.max_attempts, Some(10));
        assert!(bf.allowlist.is_empty());
        let sip: SuspiciousIpThrottling =
            serde_json::from_str(r#"{"enabled":false,"stage":{"pre-login":{"max_attempts":1}}}"#)
                .unwrap();
        assert_eq!(sip.enabled, Some(false));
    }

    #[test]
    fn enabled_factors_lists_only_enabled() {
        let g = Guardian {
            factors: vec![
                GuardianFactor {
                    name: "otp".into(),
                    enabled: Some(true),
                    ..Default::default()
                },
                GuardianFactor {
                    name: "sms".into(),
                    enabled: Some(false),
                    ..Default::default()
                },
            ],
            ..Default::default()
        };
        assert_eq!(g.enabled_factors(), vec!["otp"]);
    }

    #[test]
    fn provider_debug_hides_credentials() {
        let p: GuardianProvider = serde_json::from_str(
            r#"{"name":"sms","provider":"twilio","auth_token":"twilio-live-token-123"}"#,
        )
        .unwrap();
        assert!(!format!("{p:?}").contains("twilio-live"));
    }
}
