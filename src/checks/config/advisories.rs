//! A small offline table of well-known high and critical npm advisories, matched against the
//! exact dependency versions of Actions and Hooks (authpath makes no network calls at scan
//! time, unlike CheckMate, which asks the GitHub Advisory Database for every dependency).
//!
//! The table is a snapshot (taken December 2026) of advisories for packages Auth0 code commonly
//! pulls in; it is not a replacement for `npm audit`. To extend it, add an [`Advisory`] with
//! the package name, the vulnerable ranges exactly as the GitHub advisory states them (in
//! `semver::VersionReq` syntax: comparators joined by commas; one string per range), the GHSA
//! and CVE ids, the advisory's severity and a one-line summary, plus a test case.

use semver::{Version, VersionReq};

use crate::findings::Severity;

/// One advisory for one npm package.
#[derive(Debug, Clone, Copy)]
pub struct Advisory {
    pub package: &'static str,
    /// Vulnerable ranges; a version in any of them is affected.
    pub ranges: &'static [&'static str],
    pub ghsa: &'static str,
    pub cve: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
}

const fn adv(
    package: &'static str,
    ranges: &'static [&'static str],
    ghsa: &'static str,
    cve: &'static str,
    severity: Severity,
    summary: &'static str,
) -> Advisory {
    Advisory {
        package,
        ranges,
        ghsa,
        cve,
        severity,
        summary,
    }
}

use Severity::{Critical, High, Medium};

/// The advisory table.
pub const ADVISORIES: &[Advisory] = &[
    adv(
        "lodash",
        &["<4.17.12"],
        "GHSA-jf85-cpcp-j695",
        "CVE-2019-10744",
        Critical,
        "prototype pollution in defaultsDeep",
    ),
    adv(
        "lodash",
        &["<4.17.19"],
        "GHSA-p6mc-m468-83gw",
        "CVE-2020-8203",
        High,
        "prototype pollution in zipObjectDeep",
    ),
    adv(
        "lodash",
        &["<4.17.21"],
        "GHSA-35jh-r3h4-6jhm",
        "CVE-2021-23337",
        High,
        "command injection through template",
    ),
    adv(
        "axios",
        &["<0.18.1"],
        "GHSA-42xw-2xvc-qx8m",
        "CVE-2019-10742",
        High,
        "denial of service: maxContentLength not enforced",
    ),
    adv(
        "axios",
        &["<0.21.2"],
        "GHSA-cph5-m8f7-6c5x",
        "CVE-2021-3749",
        High,
        "regular-expression denial of service in trim",
    ),
    adv(
        "axios",
        &[">=1.3.2, <1.7.4"],
        "GHSA-8hc4-vh64-cxmj",
        "CVE-2024-39338",
        High,
        "server-side request forgery: path-relative URLs treated as protocol-relative",
    ),
    adv(
        "jsonwebtoken",
        &["<4.2.2"],
        "GHSA-c7hr-j4mj-j2w6",
        "CVE-2015-9235",
        Critical,
        "verification bypass through algorithm confusion",
    ),
    adv(
        "jsonwebtoken",
        &["<9.0.0"],
        "GHSA-8cf7-32gw-wr33",
        "CVE-2022-23539",
        High,
        "insecure key types accepted for signature verification",
    ),
    adv(
        "node-fetch",
        &["<2.6.7", ">=3.0.0, <3.1.1"],
        "GHSA-r683-j2x4-v87g",
        "CVE-2022-0235",
        High,
        "cookie and authorization headers forwarded to another host on redirect",
    ),
    adv(
        "minimist",
        &["<0.2.4", ">=1.0.0, <1.2.6"],
        "GHSA-xvch-5gv4-984h",
        "CVE-2021-44906",
        Critical,
        "prototype pollution",
    ),
    adv(
        "qs",
        &[
            "<6.2.4",
            ">=6.3.0, <6.3.3",
            ">=6.4.0, <6.4.1",
            ">=6.5.0, <6.5.3",
            ">=6.6.0, <6.6.1",
            ">=6.7.0, <6.7.3",
            ">=6.8.0, <6.8.3",
            ">=6.9.0, <6.9.7",
            ">=6.10.0, <6.10.3",
        ],
        "GHSA-hrpp-h998-j3pp",
        "CVE-2022-24999",
        High,
        "prototype pollution through __proto__ keys in query strings",
    ),
    adv(
        "request",
        &["<=2.88.2"],
        "GHSA-p8p7-x288-28g6",
        "CVE-2023-28155",
        Medium,
        "server-side request forgery through cross-protocol redirects; deprecated, no fix",
    ),
    adv(
        "moment",
        &[">=1.0.1, <2.29.2"],
        "GHSA-8hfj-j24r-96c4",
        "CVE-2022-24785",
        High,
        "path traversal in moment.locale",
    ),
    adv(
        "moment",
        &[">=2.18.0, <2.29.4"],
        "GHSA-wc69-rhjr-hc9g",
        "CVE-2022-31129",
        High,
        "regular-expression denial of service parsing RFC 2822 dates",
    ),
    adv(
        "underscore",
        &[">=1.3.2, <1.12.1"],
        "GHSA-cf4h-3jhx-xvhq",
        "CVE-2021-23358",
        Critical,
        "arbitrary code execution through template",
    ),
    adv(
        "handlebars",
        &["<4.7.7"],
        "GHSA-f2jv-r9rf-7988",
        "CVE-2021-23369",
        Critical,
        "remote code execution when compiling templates",
    ),
    adv(
        "ejs",
        &["<3.1.7"],
        "GHSA-phwq-j96m-2c2q",
        "CVE-2022-29078",
        Critical,
        "template injection (remote code execution)",
    ),
    adv(
        "xmldom",
        &["<=0.6.0"],
        "GHSA-crh6-fp67-6883",
        "CVE-2022-39353",
        Critical,
        "accepts XML with several root nodes (SAML signature wrapping); deprecated, no fix",
    ),
    adv(
        "node-forge",
        &["<1.3.0"],
        "GHSA-cfm4-qjh2-4765",
        "CVE-2022-24771",
        High,
        "lenient RSA PKCS#1 v1.5 signature verification",
    ),
    adv(
        "node-forge",
        &["<1.3.0"],
        "GHSA-x4jg-mjrx-434g",
        "CVE-2022-24772",
        High,
        "signature verification ignores trailing garbage bytes",
    ),
    adv(
        "shell-quote",
        &[">=1.6.3, <1.7.3"],
        "GHSA-g4rg-993r-mgx7",
        "CVE-2021-42740",
        Critical,
        "command injection through quote",
    ),
    adv(
        "json5",
        &["<1.0.2", ">=2.0.0, <2.2.2"],
        "GHSA-9c47-m6qq-7p4h",
        "CVE-2022-46175",
        High,
        "prototype pollution through parse",
    ),
    adv(
        "crypto-js",
        &["<4.2.0"],
        "GHSA-xwcq-pm8m-c4vf",
        "CVE-2023-46233",
        Critical,
        "PBKDF2 defaults far weaker than specified",
    ),
    adv(
        "ws",
        &[
            ">=2.1.0, <5.2.4",
            ">=6.0.0, <6.2.3",
            ">=7.0.0, <7.5.10",
            ">=8.0.0, <8.17.1",
        ],
        "GHSA-3h5v-q93c-6h6q",
        "CVE-2024-37890",
        High,
        "denial of service through a request with many HTTP headers",
    ),
];

/// The exact version a dependency pins, or `None` for ranges (`^1.2.3`), tags (`latest`) and
/// anything else that only resolves at build time.
pub fn exact_version(spec: &str) -> Option<Version> {
    let text = spec.trim().trim_start_matches('=').trim_start_matches('v');
    Version::parse(text).ok()
}

fn in_range(version: &Version, range: &str) -> bool {
    VersionReq::parse(range).is_ok_and(|req| req.matches(version))
}

/// Advisories that affect `package` at `version` (exact versions only).
pub fn advisories_for(package: &str, version: &str) -> Vec<&'static Advisory> {
    let Some(v) = exact_version(version) else {
        return Vec::new();
    };
    ADVISORIES
        .iter()
        .filter(|a| a.package == package && a.ranges.iter().any(|r| in_range(&v, r)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_range_parses() {
        for a in ADVISORIES {
            assert!(
                a.ghsa.starts_with("GHSA-") && a.cve.starts_with("CVE-"),
                "{a:?}"
            );
            for r in a.ranges {
                assert!(VersionReq::parse(r).is_ok(), "{}: {r}", a.package);
            }
        }
        assert!(ADVISORIES.len() >= 15);
    }

    #[test]
    fn matches_exact_versions_at_the_boundaries() {
        let ids = |p: &str, v: &str| -> Vec<&str> {
            advisories_for(p, v).iter().map(|a| a.ghsa).collect()
        };
        assert_eq!(ids("lodash", "4.17.20"), vec!["GHSA-35jh-r3h4-6jhm"]);
        assert!(ids("lodash", "4.17.21").is_empty());
        assert_eq!(ids("lodash", "4.17.11").len(), 3);
        assert_eq!(ids("axios", "1.7.3"), vec!["GHSA-8hc4-vh64-cxmj"]);
        assert!(ids("axios", "1.7.4").is_empty());
        assert!(ids("axios", "1.3.1").is_empty());
        assert_eq!(ids("qs", "6.5.2"), vec!["GHSA-hrpp-h998-j3pp"]);
        assert!(ids("qs", "6.5.3").is_empty());
        assert_eq!(ids("jsonwebtoken", "8.5.1"), vec!["GHSA-8cf7-32gw-wr33"]);
        assert!(ids("jsonwebtoken", "9.0.0").is_empty());
        assert_eq!(ids("node-fetch", "3.1.0").len(), 1);
        assert!(ids("node-fetch", "2.6.7").is_empty());
    }

    #[test]
    fn ranges_tags_and_unknown_packages_are_not_matched() {
        assert!(advisories_for("lodash", "^4.17.0").is_empty());
        assert!(advisories_for("lodash", "latest").is_empty());
        assert!(advisories_for("left-pad", "1.0.0").is_empty());
        assert_eq!(advisories_for("lodash", "v4.17.20").len(), 1);
    }
}
