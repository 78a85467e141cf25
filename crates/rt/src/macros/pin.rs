/// Pins a value on the stack.
///
/// Calls to `async fn` return anonymous [`Future`] values that are `!Unpin`.
/// Such values must be pinned before they can be polled: through `.await`,
/// which pins implicitly, or explicitly, for example to poll a future by
/// `&mut` reference in a loop, as in `select!`. `pin!` pins values on the
/// stack without allocating.
///
/// `pin!(a, b)` takes the names of local variables and shadows each with a
/// `Pin<&mut T>` to its value; the value is moved into the macro's scope and
/// can no longer be reached unpinned. `pin! { let a = expr; }` declares the
/// variables and pins them in one step.
///
/// [`Future`]: std::future::Future
///
/// # Examples
///
/// ```
/// use std::future::Future;
/// use std::pin::Pin;
///
/// async fn my_async_fn() -> u32 {
///     7
/// }
///
/// async fn example() {
///     let future = my_async_fn();
///     rt::pin!(future);
///     let pinned: Pin<&mut dyn Future<Output = u32>> = future.as_mut();
///     assert_eq!(pinned.await, 7);
/// }
/// # let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
/// # assert!(std::pin::pin!(example()).poll(&mut cx).is_ready());
/// ```
///
/// Declaring and pinning at once, then awaiting one future by reference:
///
/// ```
/// # use std::future::Future;
/// async fn value() -> &'static str {
///     "done"
/// }
///
/// async fn example() {
///     rt::pin! {
///         let first = value();
///         let second = value();
///     }
///     assert_eq!((&mut first).await, "done");
///     assert_eq!(second.await, "done");
/// }
/// # let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
/// # assert!(std::pin::pin!(example()).poll(&mut cx).is_ready());
/// ```
#[macro_export]
macro_rules! pin {
    ($($x:ident),* $(,)?) => {
        $(
            #[allow(unused_mut)]
            let mut $x = $crate::macros::support::pin!($x);
        )*
    };
    ($(let $x:ident = $init:expr;)*) => {
        $(
            let $x = $init;
            $crate::pin!($x);
        )*
    };
}
