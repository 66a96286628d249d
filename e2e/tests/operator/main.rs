//! e2e tests of the operator on the real control plane: the CRDs are accepted, an
//! `Auth0Integration` with Secret or OpenBao (Kubernetes auth) credentials leads to a scan Job that
//! the node agent runs, `Auth0Finding`s appear and the integration becomes `Ready=True`; a wrong
//! Vault role is reported in status; no planted secret leaks into logs, Events, status or CRs.
//! Faults: OpenBao sealed or unreachable, the tenant answering 5xx mid-scan, a scan Job killed,
//! the operator restarted mid-scan; none loses or wrongly resolves a finding, and status says
//! why. On shutdown the operator revokes the Vault tokens it logged in for.
//!
//! Each test runs its own `authpath operator --namespace <test namespace>` process. Most tests
//! let scan Jobs read the example tenant export through `AUTHPATH_SCAN_EXPORT_DIR` (passed with
//! `--scan-job-env`); `live` runs them against the Management API emulator serving that tenant.

mod bench;
mod crds;
mod live;
mod objects;
mod rbac;
mod receiver;
mod resolve;
mod restart;
mod scan;
mod scan_faults;
mod sim;
mod support;
mod vault_faults;
mod vault_revoke;
