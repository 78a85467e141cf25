/// Waits on multiple concurrent branches, returning when the **first**
/// branch completes, cancelling the remaining branches.
///
/// `select!` must be used inside async functions, closures and blocks.
///
/// It takes one or more branches of the form
///
/// ```text
/// <pattern> = <async expression> (, if <precondition>)? => <handler>,
/// ```
///
/// and optionally one `else => <expression>` branch. At most one leading
/// `biased;` changes the polling order (see *Fairness*). There is no limit
/// on the number of branches.
///
/// When `select!` runs:
///
/// 1. Every `<precondition>` is evaluated, in order. A branch whose
///    precondition is `false` is disabled for this run of `select!`
///    (entering it again, say in a loop, starts afresh).
/// 2. Every `<async expression>` is evaluated, disabled branches included,
///    and turned into a future with [`IntoFuture`]. The futures of disabled
///    branches are never polled.
/// 3. The futures of the enabled branches are polled concurrently on the
///    current task.
/// 4. When one completes, its output is matched against the branch's
///    `<pattern>`. If it matches, every future is dropped and the branch's
///    `<handler>` runs with the pattern's bindings; its value is the value
///    of `select!`. If it does not match, that branch is disabled and the
///    others keep running (back to 3).
/// 5. If all branches are disabled, the `else` expression runs; without an
///    `else` branch, `select!` panics.
///
/// Handlers run after the futures are dropped, directly in the enclosing
/// function: `?`, `return`, `break` and `continue` in a handler act on the
/// enclosing function or loop, and a handler may use anything the async
/// expressions borrowed. All handlers (and `else`) must have the same type.
///
/// # Fairness
///
/// By default `select!` picks the branch it polls first at random on every
/// poll, so that a branch that is always ready cannot starve the others.
/// With `biased;` as the first token, branches are polled top to bottom.
/// That is cheaper and deterministic, but a branch that is always ready
/// then keeps the ones below it from ever completing; order them with care.
///
/// # Panics
///
/// `select!` panics if every branch is disabled (by its precondition or by a
/// pattern that did not match) and there is no `else` branch.
///
/// # Cancellation safety
///
/// When one branch completes, the futures of the other branches are dropped
/// mid-flight. In a loop, use futures that are cancellation safe (they lose
/// nothing when dropped before completing), or keep a future alive across
/// iterations by pinning it with [`pin!`](crate::pin) and passing
/// `&mut future`.
///
/// [`IntoFuture`]: std::future::IntoFuture
///
/// # Examples
///
/// The first branch to finish wins:
///
/// ```
/// async fn quick() -> u32 {
///     1
/// }
///
/// #[rt::main(flavor = "current_thread")]
/// async fn main() {
///     let winner = rt::select! {
///         v = quick() => v,
///         _ = std::future::pending::<()>() => unreachable!(),
///     };
///     assert_eq!(winner, 1);
/// }
/// ```
///
/// Re-using a pinned future across loop iterations, with a precondition
/// that disables its branch once it is done, and `else` for when every
/// branch is disabled:
///
/// ```
/// use std::collections::VecDeque;
///
/// async fn next(queue: &mut VecDeque<u32>) -> Option<u32> {
///     queue.pop_front()
/// }
///
/// #[rt::main(flavor = "current_thread")]
/// async fn main() {
///     let mut queue: VecDeque<u32> = (1..=3).collect();
///     let operation = async { 10 };
///     rt::pin!(operation);
///     let mut operation_done = false;
///     let mut total = 0;
///
///     for _ in 0..10 {
///         rt::select! {
///             // Disabled once `operation` completed: polling a completed
///             // future again would be an error.
///             v = &mut operation, if !operation_done => {
///                 operation_done = true;
///                 total += v;
///             }
///             // `Some(v)` is refutable: on `None` the branch is disabled.
///             Some(v) = next(&mut queue) => total += v,
///             else => break,
///         }
///     }
///     assert_eq!(total, 16);
/// }
/// ```
///
/// Polling in the written order with `biased;`:
///
/// ```
/// #[rt::main(flavor = "current_thread")]
/// async fn main() {
///     let first = rt::select! {
///         biased;
///         a = async { "a" } => a,
///         b = async { "b" } => b,
///     };
///     assert_eq!(first, "a");
/// }
/// ```
#[macro_export]
macro_rules! select {
    ($($tokens:tt)*) => {
        $crate::macros::support::select_expand! { ($crate) $($tokens)* }
    };
}
