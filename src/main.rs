//! The `authpath` binary: every subcommand lives in [`authpath::cli`].

fn main() -> std::process::ExitCode {
    authpath::cli::main()
}
