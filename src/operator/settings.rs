//! Operator-wide settings (from `authpath operator` flags / the Helm chart), shared by the build
//! steps: which image children run, extra environment for scan Jobs, history limits.

use k8s_openapi::api::core::v1::EnvVar;

/// Operator-wide settings.
#[derive(Debug, Clone)]
pub struct OperatorSettings {
    /// Image of the operator itself; scan Jobs and receivers run it.
    pub image: String,
    /// Image pull policy for children.
    pub image_pull_policy: String,
    /// Extra environment for scan Job containers (proxies, log level, test hooks). Never secrets.
    pub scan_job_env: Vec<EnvVar>,
    /// Finished scan Jobs kept per integration.
    pub job_history: usize,
    /// Port the receiver container listens on.
    pub receiver_port: i32,
    /// Extra environment for receiver containers (log level, flush and debounce timings). Never
    /// secrets.
    pub receiver_env: Vec<EnvVar>,
}

impl Default for OperatorSettings {
    fn default() -> Self {
        OperatorSettings {
            image: "ghcr.io/authpath/authpath:latest".to_string(),
            image_pull_policy: "IfNotPresent".to_string(),
            scan_job_env: Vec::new(),
            job_history: 3,
            receiver_port: 8080,
            receiver_env: Vec::new(),
        }
    }
}
