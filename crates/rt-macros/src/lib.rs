//! Procedural macros of the `rt` runtime.
//!
//! Use them through the facade crate: `#[rt::main]`, `#[rt::test]`,
//! `rt::join!`, `rt::try_join!` and `rt::select!`. This crate depends on
//! nothing else of `rt`; the code it generates reaches the facade through
//! the path the calling crate knows it by (see `#[rt::main]`'s `crate`
//! argument).
//!
//! ```text
//!  #[rt::main] / #[rt::test] ──► main / test ──► <rt>::runtime::Builder … block_on
//!     (main_rt / test_rt when the facade lacks `rt-multi-thread`)
//!
//!  rt::select!   ┐ macro_rules in the facade forward `($crate) tokens`
//!  rt::join!     ├──► select_expand! / join_expand! / try_join_expand!
//!  rt::try_join! ┘          └──► code over <rt>::macros::support::{poll_fn, pin, …}
//! ```

mod args;
mod crate_path;
mod entry;
mod join;
mod select;

use proc_macro::TokenStream;

/// Marks an async function to be run by an `rt` runtime: the program's entry
/// point, or any function that should block on its body.
///
/// The function's body becomes an `async` block that a freshly built runtime
/// drives to completion with `block_on`; the function itself becomes a
/// plain `fn` with the same attributes, visibility, arguments and return
/// type. `return` and `?` in the body behave as in the `async fn`.
///
/// By default the runtime is the multi-thread one (this needs the facade's
/// `rt-multi-thread` feature) with all drivers enabled.
///
/// # Arguments
///
/// * `flavor = "multi_thread"` (default) or `flavor = "current_thread"`.
/// * `worker_threads = N`: the number of worker threads; only with the
///   `multi_thread` flavor, and never 0.
/// * `start_paused = true`: start with time paused; only with the
///   `current_thread` flavor.
/// * `crate = "path"`: the path to the facade, for code that re-exports it;
///   by default the macro looks the name up in the calling crate's
///   `Cargo.toml`, so a renamed dependency (`tokio = { package = "rt" }`)
///   works as is.
///
/// # Examples
///
/// ```ignore
/// #[rt::main]
/// async fn main() {
///     println!("Hello world");
/// }
/// ```
///
/// is equivalent to
///
/// ```ignore
/// fn main() {
///     rt::runtime::Builder::new_multi_thread()
///         .enable_all()
///         .build()
///         .expect("Failed building the Runtime")
///         .block_on(async {
///             println!("Hello world");
///         })
/// }
/// ```
///
/// A single-threaded runtime, and an error type for `?`:
///
/// ```ignore
/// #[rt::main(flavor = "current_thread")]
/// async fn main() -> std::io::Result<()> {
///     let text = std::fs::read_to_string("Cargo.toml")?;
///     println!("{} bytes", text.len());
///     Ok(())
/// }
/// ```
///
/// A fixed number of workers:
///
/// ```ignore
/// #[rt::main(worker_threads = 2)]
/// async fn main() {}
/// ```
///
/// Misuse is a compile error that names the problem: a function without
/// `async`, an unknown `flavor`, `worker_threads = 0`, `worker_threads` with
/// `current_thread`, an unknown argument.
#[proc_macro_attribute]
pub fn main(args: TokenStream, item: TokenStream) -> TokenStream {
    entry::expand(args.into(), item.into(), args::Kind::Main, true).into()
}

/// The variant of [`macro@main`] that the facade exports when its
/// `rt-multi-thread` feature is off: asking for the `multi_thread` flavor,
/// explicitly or through the default, is a compile error that says to enable
/// the feature or to use `flavor = "current_thread"`.
#[proc_macro_attribute]
pub fn main_rt(args: TokenStream, item: TokenStream) -> TokenStream {
    entry::expand(args.into(), item.into(), args::Kind::Main, false).into()
}

/// Marks an async function as a test run on an `rt` runtime.
///
/// The function gets `#[test]` and its body runs inside a freshly built
/// runtime, one per test. By default the runtime is the current-thread one;
/// the arguments are those of [`macro@main`]: `flavor`, `worker_threads`
/// (with `multi_thread` only), `start_paused` (with `current_thread` only)
/// and `crate`. Other attributes such as `#[should_panic]` or `#[ignore]`
/// are kept. The function must not take arguments and must not carry
/// another test attribute.
///
/// # Examples
///
/// ```ignore
/// #[rt::test]
/// async fn my_test() {
///     assert!(true);
/// }
///
/// #[rt::test(flavor = "multi_thread", worker_threads = 2)]
/// async fn on_two_workers() -> Result<(), Box<dyn std::error::Error>> {
///     let n: u32 = "42".parse()?;
///     assert_eq!(n, 42);
///     Ok(())
/// }
///
/// #[rt::test(start_paused = true)]
/// async fn with_paused_time() {}
/// ```
#[proc_macro_attribute]
pub fn test(args: TokenStream, item: TokenStream) -> TokenStream {
    entry::expand(args.into(), item.into(), args::Kind::Test, true).into()
}

/// The variant of [`macro@test`] that the facade exports when its
/// `rt-multi-thread` feature is off: `flavor = "multi_thread"` is a compile
/// error that names the feature.
#[proc_macro_attribute]
pub fn test_rt(args: TokenStream, item: TokenStream) -> TokenStream {
    entry::expand(args.into(), item.into(), args::Kind::Test, false).into()
}

/// Implementation detail of the facade's `select!`; not public API.
///
/// Input: `( $crate ) [biased;] branches…`.
#[doc(hidden)]
#[proc_macro]
pub fn select_expand(input: TokenStream) -> TokenStream {
    select::expand(input.into()).into()
}

/// Implementation detail of the facade's `join!`; not public API.
///
/// Input: `( $crate ) [biased;] expr, …`.
#[doc(hidden)]
#[proc_macro]
pub fn join_expand(input: TokenStream) -> TokenStream {
    join::expand(input.into(), join::Mode::Join).into()
}

/// Implementation detail of the facade's `try_join!`; not public API.
///
/// Input: `( $crate ) [biased;] expr, …`.
#[doc(hidden)]
#[proc_macro]
pub fn try_join_expand(input: TokenStream) -> TokenStream {
    join::expand(input.into(), join::Mode::TryJoin).into()
}
