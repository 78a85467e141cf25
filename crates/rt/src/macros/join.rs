/// Waits on multiple concurrent branches, returning when **all** branches
/// complete.
///
/// `join!` must be used inside async functions, closures and blocks.
///
/// It takes a list of async expressions (anything that implements
/// [`IntoFuture`]) and evaluates them concurrently on the current task: the
/// futures are multiplexed on the task and the macro returns a tuple with
/// every output, in the order of the expressions. With `Result`-valued
/// branches `join!` waits for all of them even if some fail; use
/// [`try_join!`](crate::try_join) to return at the first `Err`.
///
/// # Notes
///
/// The futures are stored inline; nothing is allocated. A future is dropped
/// as soon as it completes, its output is kept until all are done.
///
/// # Runtime characteristics
///
/// All branches run on the same task, so they run **concurrently** but not
/// in **parallel**: if one branch blocks the thread, the others cannot make
/// progress. For parallelism, spawn each expression with `rt::spawn` and
/// pass the join handles to `join!`.
///
/// # Fairness
///
/// Each time the joined future is polled it starts with a different branch,
/// rotating through them, so that a branch that is always ready cannot
/// starve the ones after it. Write `biased;` first to poll the branches in
/// the order they are written instead, which is cheaper and deterministic;
/// it is then up to the caller that the first branches do not starve the
/// rest.
///
/// [`IntoFuture`]: std::future::IntoFuture
///
/// # Examples
///
/// ```
/// async fn do_stuff_async() -> u32 {
///     1
/// }
///
/// async fn more_async_work() -> &'static str {
///     "two"
/// }
///
/// #[rt::main(flavor = "current_thread")]
/// async fn main() {
///     let (first, second) = rt::join!(do_stuff_async(), more_async_work());
///     assert_eq!(first, 1);
///     assert_eq!(second, "two");
/// }
/// ```
///
/// Polling in the written order:
///
/// ```
/// #[rt::main(flavor = "current_thread")]
/// async fn main() {
///     let mut order = Vec::new();
///     let log = std::cell::RefCell::new(&mut order);
///     rt::join!(
///         biased;
///         async { log.borrow_mut().push(1) },
///         async { log.borrow_mut().push(2) },
///         async { log.borrow_mut().push(3) },
///     );
///     assert_eq!(order, [1, 2, 3]);
/// }
/// ```
#[macro_export]
macro_rules! join {
    ($($tokens:tt)*) => {
        $crate::macros::support::join_expand! { ($crate) $($tokens)* }
    };
}
