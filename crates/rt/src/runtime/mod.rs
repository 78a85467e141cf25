//! The rt runtime: [`Runtime`], [`Builder`], [`Handle`] and metrics.
//!
//! Mirrors `tokio::runtime`.

mod builder;
mod driver;
mod handle;
mod local_runtime;
mod metrics;
#[allow(clippy::module_inception)]
mod runtime;

pub use builder::Builder;
pub(crate) use handle::{with_current, NO_RUNTIME};
pub use handle::{EnterGuard, Handle, Id, TryCurrentError};
pub use local_runtime::{LocalOptions, LocalRuntime};
pub use metrics::RuntimeMetrics;
pub use runtime::Runtime;

/// The flavor of a [`Runtime`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RuntimeFlavor {
    /// The flavor that executes all tasks on the current thread.
    CurrentThread,
    /// The flavor that executes tasks across multiple threads.
    MultiThread,
}
