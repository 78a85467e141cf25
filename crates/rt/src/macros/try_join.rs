/// Waits on multiple concurrent branches, returning when **all** branches
/// complete with `Ok(_)` or on the **first** `Err(_)`.
///
/// `try_join!` must be used inside async functions, closures and blocks.
///
/// Like [`join!`](crate::join), it takes a list of async expressions and
/// evaluates them concurrently on the current task. Each expression must
/// evaluate to a future whose output is `Result<T, E>`, with the same `E`
/// for all of them. The macro returns `Ok((t1, t2, ...))` once every branch
/// has returned `Ok`, or the first `Err(e)` as soon as any branch returns
/// it; the futures still running are then dropped.
///
/// # Notes
///
/// The futures are stored inline; nothing is allocated.
///
/// # Runtime characteristics
///
/// All branches run on the same task, so they run **concurrently** but not
/// in **parallel**. For parallelism, spawn each expression with `rt::spawn`
/// and pass the join handles to `try_join!`.
///
/// # Fairness
///
/// As with `join!`, the branch polled first rotates on every poll, unless
/// the macro starts with `biased;`, which polls the branches in the written
/// order.
///
/// # Examples
///
/// ```
/// async fn parse(text: &str) -> Result<u32, String> {
///     text.parse().map_err(|_| format!("`{text}` is not a number"))
/// }
///
/// #[rt::main(flavor = "current_thread")]
/// async fn main() {
///     let sum = rt::try_join!(parse("1"), parse("2")).map(|(a, b)| a + b);
///     assert_eq!(sum, Ok(3));
///
///     let failed = rt::try_join!(parse("1"), parse("two"));
///     assert_eq!(failed, Err("`two` is not a number".to_string()));
/// }
/// ```
///
/// The first error wins even while other branches are still pending:
///
/// ```
/// #[rt::main(flavor = "current_thread")]
/// async fn main() {
///     let never = std::future::pending::<Result<(), &str>>();
///     let fail = async { Err::<(), _>("failed") };
///     assert_eq!(rt::try_join!(never, fail), Err("failed"));
/// }
/// ```
#[macro_export]
macro_rules! try_join {
    ($($tokens:tt)*) => {
        $crate::macros::support::try_join_expand! { ($crate) $($tokens)* }
    };
}
