//! Mission path 3: a machine-to-machine application with broad Management API scopes whose
//! client secret is written into tenant code.

use crate::checks::context::ScanContext;
use crate::checks::registry::{Hit, Rule, RuleMeta};
use crate::findings::{Category, ObjectRef, Severity};
use crate::graph::{AttackGraph, Edge, EdgeKind, Impact};
use crate::tenant::DataKind;

pub static LEAKED_M2M_SECRET: Rule = Rule {
    meta: RuleMeta {
        id: "path.leaked-m2m-secret-management-api",
        title: "A Management API client's secret is hard-coded in tenant code",
        severity: Severity::Critical,
        category: Category::AttackPath,
        reads: &[
            "actions.code",
            "rules.script",
            "hooks.script",
            "clients.client_id",
            "client_grants.scope",
        ],
        condition: "Code contains the client secret of an application whose client grant on the Management API allows writes or reads of user data.",
        remediation: "Rotate the client secret now, move it into an Action secret (event.secrets), and cut the grant to the scopes the code needs; prefer private_key_jwt for machine-to-machine clients.",
        matches: &[
            "path(c)13",
            "path(c)9",
            "path(c)10",
            "GAP action-mgmt-client",
            "GAP mgmt-write-grants",
        ],
    },
    needs: &[DataKind::Clients, DataKind::ClientGrants],
    eval: eval_leaked,
};

fn eval_leaked(ctx: &ScanContext) -> Vec<Hit> {
    let g = ctx.graph;
    let mut hits = Vec::new();
    for leak in g.edges.iter().filter(|e| e.kind == EdgeKind::LeaksSecretOf) {
        for hold in g.out_of(leak.to, EdgeKind::HoldsGrant) {
            for grant in g.out_of(hold.to, EdgeKind::Grants) {
                hits.push(hit(ctx, [leak, hold, grant]));
            }
        }
    }
    hits
}

fn hit(ctx: &ScanContext, chain: [&Edge; 3]) -> Hit {
    let g = ctx.graph;
    let steps = g.steps(&chain);
    let mut objects: Vec<ObjectRef> = steps
        .iter()
        .map(|s| ObjectRef::new(s.kind, s.name.clone()))
        .collect();
    objects.sort();
    objects.dedup();
    let impact_name = steps.last().map(|s| s.name.clone()).unwrap_or_default();
    let severity = impact_by_name(&impact_name).map_or(Severity::High, Impact::severity);
    let code = steps
        .first()
        .map(|s| format!("{} \"{}\"", s.kind, s.name))
        .unwrap_or_default();
    let client = steps.get(1).map(|s| s.name.clone()).unwrap_or_default();
    let description = format!(
        "{code} contains the client secret of \"{client}\", whose Management API grant ({}) allows {impact_name}. \
         Anyone who can read the code (read:actions, the dashboard, the Deploy CLI repository, logs of the build) \
         can mint Management API tokens as this client. The code need not be deployed for the secret to leak.",
        chain[2].label
    );
    let evidence = AttackGraph::evidence(&chain);
    Hit {
        evidence,
        ..Hit::new(objects, description)
            .with_severity(severity)
            .with_path(steps)
    }
}

fn impact_by_name(name: &str) -> Option<Impact> {
    [
        Impact::TenantTakeover,
        Impact::AccountTakeover,
        Impact::CredentialTheft,
        Impact::PrivilegeEscalation,
        Impact::UserDataExposure,
        Impact::DefenceDowngrade,
        Impact::LogAndBrandingTampering,
        Impact::Disruption,
    ]
    .into_iter()
    .find(|i| i.describe() == name)
}
