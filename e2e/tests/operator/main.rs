//! e2e tests of the operator on the real control plane: the CRDs are accepted, an
//! `Auth0Integration` with Secret or OpenBao (Kubernetes auth) credentials leads to a scan Job that
//! the node agent runs, `Auth0Finding`s appear and the integration becomes `Ready=True`; a wrong
//! Vault role is reported in status; no planted secret leaks into logs, Events, status or CRs.
//!
//! Each test runs its own `authpath operator --namespace <test namespace>` process. Most tests
//! let scan Jobs read the example tenant export through `AUTHPATH_SCAN_EXPORT_DIR` (passed with
//! `--scan-job-env`); `live` runs them against the Management API emulator serving that tenant.

mod crds;
mod live;
mod receiver;
mod resolve;
mod scan;
mod support;
