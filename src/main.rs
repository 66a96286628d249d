//! The `authpath` binary: every subcommand lives in [`authpath::cli`].

/// mimalloc: the receiver allocates event maps on the HTTP workers and frees them on the
/// processor thread, a pattern glibc's allocator handles poorly (see the README benchmark).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    authpath::cli::main()
}
