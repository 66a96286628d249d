//! Attack paths that end in a privilege (a scope or claim) decided by attacker-chosen data:
//! self-signup metadata laundered through `app_metadata` (mission path 1), self-signup metadata
//! used directly, and `email_verified` forged or passed through by a connection (mission path 2).

use crate::checks::context::ScanContext;
use crate::checks::registry::{Hit, Rule, RuleMeta};
use crate::findings::{Category, ObjectKind, ObjectRef, Severity};
use crate::graph::{AttackGraph, Edge, EdgeKind, FoundPath, names, privilege_paths};
use crate::tenant::DataKind;

use super::reachability::{latent_reason, lower_if_latent};

/// What the two self-signup metadata rules read.
const SIGNUP_PATH_READS: &[&str] = &[
    "connections.options.disable_signup",
    "connections.enabled_clients",
    "actions.code",
    "triggers",
    "rules.script",
    "resource_servers.scopes",
];

const NEEDS: &[DataKind] = &[DataKind::Connections, DataKind::Actions, DataKind::Clients];

pub static SIGNUP_METADATA_LAUNDERED: Rule = Rule {
    meta: RuleMeta {
        id: "path.signup-metadata-laundered-to-privilege",
        title: "Self-signup metadata is copied into app_metadata and then grants a privilege",
        severity: Severity::Critical,
        category: Category::AttackPath,
        reads: SIGNUP_PATH_READS,
        condition: "An open signup connection lets anyone set user_metadata; active code copies it into app_metadata; other active code adds a scope or claim on that app_metadata value.",
        remediation: "Never copy user_metadata into app_metadata without validation; decide privileges only from data the tenant controls (roles, app_metadata written by trusted back ends); close public signup where it is not needed.",
        matches: &[
            "path(c)1",
            "GAP persistent-escalation",
            "GAP claims-from-user-metadata",
        ],
    },
    needs: NEEDS,
    eval: eval_laundered,
};

pub static SIGNUP_METADATA_DIRECT: Rule = Rule {
    meta: RuleMeta {
        id: "path.signup-metadata-to-privilege",
        title: "Self-signup metadata directly decides a scope or claim",
        severity: Severity::Critical,
        category: Category::AttackPath,
        reads: SIGNUP_PATH_READS,
        condition: "An open signup connection (or a Management API user policy that lets users edit their own profile) lets anyone set user_metadata, and active code adds a scope or sets a claim from it or under a condition on it.",
        remediation: "Decide scopes and claims from roles or app_metadata, never from user_metadata; validate any user-supplied value against an allow-list that grants nothing privileged.",
        matches: &["path(c)1", "path(c)2", "GAP claims-from-user-metadata"],
    },
    needs: NEEDS,
    eval: eval_direct,
};

pub static EMAIL_VERIFIED_TRUST: Rule = Rule {
    meta: RuleMeta {
        id: "path.email-verified-trust-to-privilege",
        title: "An e-mail address the attacker controls is trusted to grant a privilege",
        severity: Severity::Critical,
        category: Category::AttackPath,
        reads: &[
            "connections.options.should_trust_email_verified_connection",
            "connections.options.scripts.fetchUserProfile",
            "connections.options.disable_signup",
            "actions.code",
            "triggers",
        ],
        condition: "A connection forges or passes through email_verified (or signup accepts any unverified e-mail), and active code grants a scope or claim based on the e-mail address.",
        remediation: "Set should_trust_email_verified_connection to never_set_emails_as_verified, never return email_verified: true from profile scripts unless the provider proved it, and grant access from roles or organisation membership rather than e-mail domains.",
        matches: &[
            "path(c)6",
            "path(c)7",
            "GAP email-verified-trust",
            "GAP authz-on-unverified-email",
        ],
    },
    needs: NEEDS,
    eval: eval_email,
};

fn signup_metadata_starts<'g>(ctx: &ScanContext<'g>) -> Vec<&'g Edge> {
    ctx.graph
        .edges
        .iter()
        .filter(|e| matches!(e.kind, EdgeKind::SignupWrites | EdgeKind::SelfServiceWrites))
        .filter(|e| {
            ctx.graph
                .get(e.to)
                .is_some_and(|n| n.name.starts_with("user_metadata."))
        })
        .collect()
}

fn eval_laundered(ctx: &ScanContext) -> Vec<Hit> {
    let starts = signup_metadata_starts(ctx);
    let paths = privilege_paths(ctx.graph, &starts)
        .into_iter()
        .filter(|p| p.laundering_hops() > 0);
    let what = "copies self-signup user_metadata into app_metadata";
    shortest_per_privilege(ctx, paths.collect())
        .iter()
        .filter_map(|p| hit_for(ctx, p, what))
        .collect()
}

fn eval_direct(ctx: &ScanContext) -> Vec<Hit> {
    let starts = signup_metadata_starts(ctx);
    let paths = privilege_paths(ctx.graph, &starts)
        .into_iter()
        .filter(|p| p.laundering_hops() == 0);
    let what = "decides a privilege from self-signup user_metadata";
    shortest_per_privilege(ctx, paths.collect())
        .iter()
        .filter_map(|p| hit_for(ctx, p, what))
        .collect()
}

/// Keeps paths that end in a privilege (every scope; claims whose name carries authorisation
/// meaning), and of several paths between the same start and privilege only the shortest.
pub(super) fn shortest_per_privilege<'g>(
    ctx: &ScanContext<'g>,
    paths: Vec<FoundPath<'g>>,
) -> Vec<FoundPath<'g>> {
    let g = ctx.graph;
    let mut best: Vec<((String, String), FoundPath<'g>)> = Vec::new();
    for path in paths {
        if excluded_by_connection_check(ctx, &path) {
            continue;
        }
        let Some(privilege) = privilege_of(ctx, &path) else {
            continue;
        };
        let Some(start) = path.edges.first().and_then(|e| g.get(e.from)) else {
            continue;
        };
        let key = (start.name.clone(), privilege);
        match best.iter_mut().find(|(k, _)| *k == key) {
            Some((_, kept)) if rank(kept) <= rank(&path) => {}
            Some((_, kept)) => *kept = path,
            None => best.push((key, path)),
        }
    }
    best.into_iter().map(|(_, p)| p).collect()
}

/// Whether code on the path runs its step only for named connections, and the path's start
/// connection is not one of them.
fn excluded_by_connection_check(ctx: &ScanContext, path: &FoundPath) -> bool {
    let g = ctx.graph;
    let Some(start) = path.edges.first().and_then(|e| g.get(e.from)) else {
        return false;
    };
    if start.kind != ObjectKind::Connection {
        return false;
    }
    path.edges.iter().filter_map(|e| e.via).any(|(u, i)| {
        let Some(unit) = ctx.unit(u) else {
            return false;
        };
        let checks_connection = unit
            .report
            .effects
            .get(i)
            .is_some_and(|eff| eff.guard_sources.contains(&crate::code::Source::Connection));
        checks_connection
            && !unit.named_connections.is_empty()
            && !unit.named_connections.contains(&start.name)
    })
}

/// Paths compare by how exactly their attributes match (a read of `user_metadata.*` reached from
/// `user_metadata.role` is a jump), then by length.
fn rank(path: &FoundPath) -> (usize, usize) {
    let jumps = path
        .edges
        .windows(2)
        .filter(|w| w[0].to != w[1].from)
        .count();
    (jumps, path.edges.len())
}

/// The scope or claim a path grants, if it is a privilege.
fn privilege_of(ctx: &ScanContext, path: &FoundPath) -> Option<String> {
    let grant = path
        .edges
        .iter()
        .rev()
        .find(|e| matches!(e.kind, EdgeKind::AddsScope | EdgeKind::SetsClaim))?;
    let name = ctx.graph.get(grant.to)?.name.clone();
    match grant.kind {
        EdgeKind::AddsScope => Some(name),
        _ if looks_privileged(claim_leaf(&name)) => Some(name),
        _ => None,
    }
}

/// The last segment of a namespaced claim (`https://acme.example/roles` -> `roles`).
fn claim_leaf(name: &str) -> &str {
    name.rsplit('/').next().unwrap_or(name)
}

fn eval_email(ctx: &ScanContext) -> Vec<Hit> {
    let starts: Vec<&Edge> = ctx
        .graph
        .edges
        .iter()
        .filter(|e| {
            e.kind == EdgeKind::AssertsEmailVerified
                || (e.kind == EdgeKind::SignupWrites
                    && ctx
                        .graph
                        .get(e.to)
                        .is_some_and(|n| n.name == names::EMAIL_UNVERIFIED))
        })
        .collect();
    shortest_per_privilege(ctx, privilege_paths(ctx.graph, &starts))
        .iter()
        .filter_map(|p| hit_for(ctx, p, "trusts an e-mail address the attacker chose"))
        .collect()
}

/// Builds the hit of a found path: objects, steps, severity by reachability and end point.
fn hit_for(ctx: &ScanContext, path: &FoundPath, what: &str) -> Option<Hit> {
    let first = ctx.graph.get(path.edges.first()?.from)?;
    let who = format!("Anyone who can use {} \"{}\"", first.kind, first.name);
    hit_with(ctx, path, &who, what, Severity::Critical)
}

/// [`hit_for`] with the attacker (`who` reaches the privilege) and the highest severity the
/// path can have.
pub(super) fn hit_with(
    ctx: &ScanContext,
    path: &FoundPath,
    who: &str,
    what: &str,
    cap: Severity,
) -> Option<Hit> {
    let g = ctx.graph;
    let steps = g.steps(&path.edges);
    let last = steps.last()?;
    let mut objects: Vec<ObjectRef> = steps
        .iter()
        .map(|s| ObjectRef::new(s.kind, s.name.clone()))
        .collect();
    objects.sort();
    objects.dedup();
    let ends_at_api = last.kind == ObjectKind::ResourceServer;
    let privilege = path
        .last()
        .filter(|e| e.kind == EdgeKind::TrustedBy)
        .map_or_else(
            || last.name.clone(),
            |e| g.get(e.from).map(|n| n.name.clone()).unwrap_or_default(),
        );
    let adds_scope = path.edges.iter().any(|e| e.kind == EdgeKind::AddsScope);
    let severity = match (
        ends_at_api,
        adds_scope || looks_privileged(claim_leaf(&last.name)),
    ) {
        (true, _) => Severity::Critical,
        (false, true) => Severity::High,
        (false, false) => Severity::Medium,
    };
    let units = path.code_units();
    let code: Vec<String> = units
        .iter()
        .filter_map(|&u| ctx.unit(u))
        .map(|u| u.label())
        .collect();
    let mut description = format!(
        "{who} reaches \"{privilege}\": {what} ({}).",
        code.join(" -> ")
    );
    if ends_at_api {
        description.push_str(&format!(" The API \"{}\" trusts the scope.", last.name));
    }
    // A step through code authpath does not analyse makes the path a lead to check.
    let lead = path.edges.iter().any(|e| e.lead);
    if lead {
        description.push_str(
            " One step is a lead, not a proven flow: the whole user or request object goes into \
             an npm module's function that authpath does not analyse; check what it reads.",
        );
    }
    let severity = if lead {
        severity.min(Severity::Medium)
    } else {
        severity.min(cap)
    };
    let latent = latent_reason(ctx, &units);
    if let Some(reason) = &latent {
        description.push_str(&format!(
            " Latent: {reason}; the path opens as soon as that changes."
        ));
    }
    let evidence = AttackGraph::evidence(&path.edges);
    let hit = Hit::new(objects, description)
        .with_severity(lower_if_latent(severity, latent.is_some()))
        .with_path(steps);
    Some(Hit { evidence, ..hit })
}

/// Claim or scope names that carry authorisation meaning.
pub fn looks_privileged(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    [
        "admin", "role", "perm", "scope", "group", "tier", "plan", "entitle", "access", "staff",
        "internal", "level", "acl", "owner", "super", "write", "delete", "manage", "privileg",
        "export",
    ]
    .iter()
    .any(|k| n.contains(k))
}
