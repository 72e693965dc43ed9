//! The `plugorm` binary. Plugins come from `plugins.toml`, plus those its features link in
//! (`sqlite`, `postgres`, `mysql`, `soft-delete`; `static` for all four).

fn main() -> std::process::ExitCode {
    plugorm_cli::main()
}
