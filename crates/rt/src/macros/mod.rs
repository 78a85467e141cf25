//! The declarative macros of the facade: `pin!`, and with the `macros`
//! feature `join!`, `try_join!` and `select!`.
//!
//! `join!`, `try_join!` and `select!` are thin `macro_rules!` front-ends that
//! forward their input, prefixed with `($crate)`, to expanders in
//! `rt-macros`; the generated code reaches everything it uses through
//! [`support`]. Doing the work in a procedural macro gives each branch its
//! own locals (so no `unsafe` pin projection and no branch limit) and lets
//! syntax errors point at the offending token.
//!
//! ```text
//! rt::select! { .. }  ──►  $crate::macros::support::select_expand! { ($crate) .. }
//!                                 (rt-macros)  ──►  code naming only core and `support`
//! ```

#[macro_use]
mod pin;

#[cfg(feature = "macros")]
#[macro_use]
mod join;

#[cfg(feature = "macros")]
#[macro_use]
mod try_join;

#[cfg(feature = "macros")]
#[macro_use]
mod select;

pub mod support;
