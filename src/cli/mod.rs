//! Command-line front end: one binary, one subcommand per file. Exit codes are part of the
//! contract: 0 ok, 1 findings at or above `--fail-on`, 2 bad input or usage.

mod analyze_code;
mod crdgen;
mod export;
mod operator;
mod receiver;
mod rules;
mod scan;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Exit code when findings reach the `--fail-on` threshold.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit code for bad input or usage.
pub const EXIT_USAGE: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "authpath",
    version,
    about = "Auth0 tenants as an identity attack graph"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Scan a tenant (a Deploy CLI export, or the live Management API) and print findings.
    Scan(scan::ScanArgs),
    /// Lint loose Action / Rule / Hook / script files.
    AnalyzeCode(analyze_code::AnalyzeCodeArgs),
    /// Write a live tenant to disk in the Deploy CLI directory format (secrets masked).
    Export(export::ExportArgs),
    /// List the rule registry.
    Rules(rules::RulesArgs),
    /// Run the Kubernetes operator.
    Operator(operator::OperatorArgs),
    /// Run the Auth0 Log Stream receiver.
    Receiver(receiver::ReceiverArgs),
    /// Write the CustomResourceDefinitions to `crds/` (or stdout).
    Crdgen(crdgen::CrdgenArgs),
}

/// Parses the command line, runs the subcommand and maps its outcome to the exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let outcome = match cli.command {
        Command::Scan(a) => scan::run(a),
        Command::AnalyzeCode(a) => analyze_code::run(a),
        Command::Export(a) => export::run(a),
        Command::Rules(a) => rules::run(a),
        Command::Operator(a) => operator::run(a),
        Command::Receiver(a) => receiver::run(a),
        Command::Crdgen(a) => crdgen::run(a),
    };
    match outcome {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("authpath: {e:#}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}
