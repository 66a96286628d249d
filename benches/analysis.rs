//! Analysis cost against the parser alone: a seeded corpus of 2,000 realistic Actions (40-200
//! lines, mixes of the patterns the analyzer looks for) is parsed by swc alone
//! (`swc_parse_only`: the analyzer's swc configuration and nothing else, the baseline the
//! target is set against), by authpath's parse stage (`parse_only`: swc plus the nesting
//! pre-scan and the line table), and fully analysed (`analyze`) in the same run; best of N,
//! ratios printed. Run with `cargo bench --bench analysis`. For profiling,
//! `AUTHPATH_BENCH_ACTIONS` and `AUTHPATH_BENCH_ROUNDS` shrink the corpus and the number of
//! rounds (the reported figures use the defaults). `AUTHPATH_BENCH_ONLY=swc|parse|analyze|none`
//! runs one side once and prints nothing else, so an instruction counter (`valgrind
//! --tool=callgrind`) can compare the sides exactly: Ir(side) - Ir(none).
//! `AUTHPATH_BENCH_SPLIT=1` times the parts of each file instead, best of N each: of a
//! parse-stage round (the parse, dropping the tree) and of a full analysis (the parse, the
//! analyzer walk, the findings, dropping the results, dropping the tree).
//!
//! Like a tenant scan (`analyze_tenant_code`), each round runs on one analysis stack, so no
//! file pays for mapping a stack of its own; parse-only rounds of both kinds run the same way.
//!
//! The three measurements alternate round by round after a warm-up round, so all see the same
//! machine load; each is timed both by the wall clock and by this thread's CPU time (Linux
//! `/proc/thread-self/schedstat`, user + system), which a busy machine disturbs far less.

use std::time::{Duration, Instant};

/// The `authpath` binary's allocator (mimalloc), so both sides allocate the way a scan does.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use authpath::code::parse::with_analysis_stack;
use authpath::code::{CodeHint, analyze, clear_thread_tables, parse_only, swc_parse_only};

const ACTIONS: usize = 2000;
const ROUNDS: usize = 10;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const SNIPPETS: [&str; 12] = [
    "  const md{n} = event.user.user_metadata || {};\n  if (md{n}.role === 'admin') {\n    api.accessToken.addScope('admin:{n}');\n  }\n",
    "  if (!event.user.email_verified) {\n    api.access.deny('verify e-mail {n}');\n    return;\n  }\n",
    "  const res{n} = await axios.get(`https://crm.example.com/v{n}/users/${event.user.user_id}`, {\n    headers: { Authorization: `Bearer ${event.secrets.CRM_TOKEN}` },\n  });\n  api.idToken.setCustomClaim(ns + 'crm{n}', res{n}.data.segment);\n",
    "  for (const r of event.authorization?.roles ?? []) {\n    api.accessToken.setCustomClaim(`${ns}role_{n}_${r}`, true);\n  }\n",
    "  if (event.transaction?.prompt !== 'none' && event.user.app_metadata.mfa_{n}) {\n    api.multifactor.enable('any', { allowRememberBrowser: false });\n  }\n",
    "  const tier{n} = helper{m}(event.user);\n  api.accessToken.setCustomClaim(ns + 'tier{n}', tier{n}.toLowerCase());\n",
    "  switch (event.client.client_id) {\n    case 'client{n}': api.accessToken.addScope('read:{n}'); break;\n    default: break;\n  }\n",
    "  api.user.setAppMetadata('last_login_{n}', new Date().toISOString());\n  // keeps the login count {n}\n  const count{n} = (event.stats && event.stats.logins_count) || 0;\n",
    "  const domain{n} = event.user.email.split('@')[1];\n  if (event.user.email_verified && domain{n} === 'acme{n}.com') {\n    api.accessToken.addScope('staff:{n}');\n  }\n",
    "  await fetch('https://hooks.example.org/audit/{n}', {\n    method: 'POST',\n    headers: { 'content-type': 'application/json' },\n    body: JSON.stringify({ user: event.user.user_id, ip: event.request.ip }),\n  });\n",
    "  const q{n} = event.request.query || {};\n  if (q{n}.return_to && q{n}.return_to.startsWith('https://app.example.com/')) {\n    api.redirect.sendUserTo(q{n}.return_to);\n  }\n",
    "  try {\n    await mgmt.users.update({ id: event.user.user_id }, { app_metadata: { synced_{n}: true } });\n  } catch (e) {\n    console.log('sync failed {n}', e.message);\n  }\n",
];

fn generate(rng: &mut Rng, idx: usize) -> String {
    let mut s = String::from(
        "const axios = require('axios');\nconst { ManagementClient } = require('auth0');\n\n",
    );
    let helpers = 1 + rng.below(3);
    for h in 0..helpers {
        s.push_str(&format!("function helper{h}(u) {{\n  const m = u.app_metadata || {{}};\n  return (m.tier_{h} || 'free').trim();\n}}\n\n"));
    }
    s.push_str("/** Generated Action {idx}. */\nexports.onExecutePostLogin = async (event, api) => {\n  const ns = 'https://app.example.com/';\n");
    s = s.replace("{idx}", &idx.to_string());
    s.push_str("  const mgmt = new ManagementClient({ domain: event.secrets.DOMAIN, clientId: event.secrets.CID, clientSecret: event.secrets.SECRET });\n");
    let target_lines = 40 + rng.below(161);
    let mut n = 0;
    while s.lines().count() + 2 < target_lines {
        let snip = SNIPPETS[rng.below(SNIPPETS.len())];
        s.push_str(
            &snip
                .replace("{n}", &n.to_string())
                .replace("{m}", &rng.below(helpers).to_string()),
        );
        n += 1;
    }
    s.push_str("};\n");
    s
}

/// A count from the environment, or the default.
fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// CPU time this thread has run so far, when the platform reports it.
fn thread_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns = stat.split_whitespace().next()?.parse::<u64>().ok()?;
    Some(Duration::from_nanos(ns))
}

/// Wall-clock and CPU time of one run of `f`.
fn measure<F: FnMut()>(f: &mut F) -> (Duration, Option<Duration>) {
    let cpu = thread_cpu();
    let t = Instant::now();
    f();
    let wall = t.elapsed();
    let cpu = cpu.zip(thread_cpu()).map(|(a, b)| b.saturating_sub(a));
    (wall, cpu)
}

/// Best (wall, CPU) times of each of `sides` over [`ROUNDS`] alternating rounds, after one
/// warm-up run of each.
type Best = (Duration, Option<Duration>);
fn best_alternating(rounds: usize, sides: &mut [&mut dyn FnMut()]) -> Vec<Best> {
    for f in sides.iter_mut() {
        measure(&mut || f());
    }
    let mut best: Vec<Best> = vec![(Duration::MAX, None); sides.len()];
    for _ in 0..rounds {
        for (f, best) in sides.iter_mut().zip(best.iter_mut()) {
            let (wall, cpu) = measure(&mut || f());
            best.0 = best.0.min(wall);
            best.1 = match (best.1, cpu) {
                (Some(x), Some(y)) => Some(x.min(y)),
                (x, y) => x.or(y),
            };
        }
    }
    best
}

/// One round: `f` on every file of the corpus, on one analysis stack.
fn over_corpus<R>(corpus: &[String], mut f: impl FnMut(&str) -> R) {
    with_analysis_stack(|| {
        for c in corpus {
            std::hint::black_box(f(c));
        }
    })
}

/// Best per-part times, split with a timer around each part of each file: a parse-stage round
/// (the parse, dropping the tree) and a full analysis spelled out with the analyzer's public
/// pieces (the parse, the walk, the findings, dropping the results, dropping the tree). The
/// tree is dropped on its own so the part both rounds share shows as such.
fn print_split(corpus: &[String], rounds: usize) {
    use authpath::code::{CodeKind, findings::code_findings, flow::Analyzer, parse::parse};
    let mut best_stage = [Duration::MAX; 2];
    let mut best_full = [Duration::MAX; 5];
    for _ in 0..rounds {
        clear_thread_tables();
        let mut stage = [Duration::ZERO; 2];
        let mut full = [Duration::ZERO; 5];
        with_analysis_stack(|| {
            for c in corpus {
                let t0 = Instant::now();
                let parsed = parse(c);
                let t1 = Instant::now();
                drop(std::hint::black_box(parsed));
                let t2 = Instant::now();
                stage[0] += t1 - t0;
                stage[1] += t2 - t1;
            }
            for c in corpus {
                let t0 = Instant::now();
                let Ok(parsed) = parse(c) else { continue };
                let t1 = Instant::now();
                let mut analyzer =
                    Analyzer::new(&parsed.text, &parsed.lines, CodeKind::Action, "post-login");
                analyzer.run(&parsed.program);
                let mut out = analyzer.finish();
                let t2 = Instant::now();
                out.effects.sort_by_key(|e| e.line);
                let findings = code_findings(&out.effects, &out.substring_email_checks);
                std::hint::black_box(&findings);
                let t3 = Instant::now();
                drop((findings, out));
                let t4 = Instant::now();
                drop(parsed);
                let t5 = Instant::now();
                let parts = [t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4];
                for (sum, d) in full.iter_mut().zip(parts) {
                    *sum += d;
                }
            }
        });
        for (b, p) in best_stage.iter_mut().zip(stage) {
            *b = (*b).min(p);
        }
        for (b, p) in best_full.iter_mut().zip(full) {
            *b = (*b).min(p);
        }
    }
    let [parse, tree] = best_stage;
    println!("parse-stage round: parse {parse:?}, drop tree {tree:?}");
    let [parse, walk, findings, results, tree] = best_full;
    println!(
        "full analysis round: parse {parse:?}, walk {walk:?}, findings {findings:?}, drop results {results:?}, drop tree {tree:?}"
    );
}

fn main() {
    let mut rng = Rng(0x00c0_ffee_d00d_0042);
    let actions = env_or("AUTHPATH_BENCH_ACTIONS", ACTIONS);
    let rounds = env_or("AUTHPATH_BENCH_ROUNDS", ROUNDS);
    let corpus: Vec<String> = (0..actions).map(|i| generate(&mut rng, i)).collect();
    let lines: usize = corpus.iter().map(|c| c.lines().count()).sum();
    let bytes: usize = corpus.iter().map(String::len).sum();
    assert!(
        corpus.iter().all(|c| parse_only(c)),
        "generated corpus must parse"
    );
    let hint = CodeHint::default();
    if std::env::var_os("AUTHPATH_BENCH_SPLIT").is_some() {
        print_split(&corpus, rounds);
        return;
    }
    if let Ok(only) = std::env::var("AUTHPATH_BENCH_ONLY") {
        with_analysis_stack(|| {
            for c in &corpus {
                match only.as_str() {
                    "swc" => drop(std::hint::black_box(swc_parse_only(c))),
                    "parse" => drop(std::hint::black_box(parse_only(c))),
                    "analyze" => drop(std::hint::black_box(analyze(c, "bench.js", &hint))),
                    _ => {}
                }
            }
        });
        return;
    }
    let mut swc = || over_corpus(&corpus, swc_parse_only);
    let mut stage = || over_corpus(&corpus, parse_only);
    let mut full = || {
        // Each round is one cold scan: interned paths are shared between the files of a
        // round, never carried over from the previous round.
        clear_thread_tables();
        over_corpus(&corpus, |c| analyze(c, "bench.js", &hint));
    };
    let best = best_alternating(rounds, &mut [&mut swc, &mut stage, &mut full]);
    let [swc, stage, full] = [best[0], best[1], best[2]];
    let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64().max(1e-9);
    println!("corpus: {actions} actions, {lines} lines, {bytes} bytes; best of {rounds}");
    for (name, (wall, cpu)) in [
        ("swc parse only", swc),
        ("authpath parse stage", stage),
        ("full analysis", full),
    ] {
        println!("{name:<22} wall {wall:>12?}  cpu {cpu:?}");
    }
    let print_ratio = |what: &str, a: Best, b: Best| {
        let cpu = a.1.zip(b.1).map(|(x, y)| format!("{:.2}", ratio(x, y)));
        println!(
            "{what}: wall {:.2}, cpu {}",
            ratio(a.0, b.0),
            cpu.as_deref().unwrap_or("n/a")
        );
    };
    print_ratio("full analysis / swc parse (target <= 1.5)", full, swc);
    print_ratio("full analysis / authpath parse stage", full, stage);
    print_ratio("authpath parse stage / swc parse", stage, swc);
}
