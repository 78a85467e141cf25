//! Finding the path to the facade crate `rt` from the calling crate.
//!
//! A program may rename the dependency (`tokio = { package = "rt", ... }`), so
//! the generated code cannot simply say `::rt`. The calling crate's manifest
//! (`CARGO_MANIFEST_DIR/Cargo.toml`) tells the name it uses; `proc-macro-crate`
//! reads it, following `workspace = true` entries to the workspace manifest.
//!
//! | manifest says                           | path emitted |
//! |-----------------------------------------|--------------|
//! | depends on `rt` under the name `n`      | `::n`        |
//! | it *is* package `rt`, building its lib  | `crate`      |
//! | it is package `rt`, building a doctest, example or binary | `::rt` |
//! | nothing found, or no manifest           | `::rt`       |
//!
//! The `crate = "..."` argument of the attributes bypasses all of this.

use proc_macro2::{Ident, Span, TokenStream};
use proc_macro_crate::{crate_name, FoundCrate};
use quote::quote;

/// The package name of the facade.
const FACADE: &str = "rt";

/// The path through which generated code reaches the facade crate.
pub(crate) fn facade_path() -> TokenStream {
    let found = crate_name(FACADE).ok();
    let building_lib = building_facade_library();
    path_for(found, building_lib)
}

/// Whether the code being compiled is the facade's own library (or its unit
/// tests), as opposed to one of its doctests, examples or binaries, which are
/// separate crates that see the facade as `::rt`.
///
/// `proc-macro-crate` answers `Itself` for all of those (it only tells
/// integration tests apart), and cargo's `CARGO_CRATE_NAME` is `rt` for the
/// doctests too. What tells them apart is the `--crate-name` the compiler
/// was started with: cargo passes `--crate-name rt` for the library (to
/// rustc and to rustdoc), the example's or binary's name for those, and
/// rustdoc compiles doctests without one (they are `rust_out`).
fn building_facade_library() -> bool {
    compiled_crate_name(std::env::args().skip(1)).as_deref() == Some(FACADE)
}

/// The value of `--crate-name` among the compiler's arguments, looking into
/// `@file` argument files (one argument per line) as rustc does.
fn compiled_crate_name(args: impl Iterator<Item = String>) -> Option<String> {
    let mut expanded = Vec::new();
    for arg in args {
        match arg.strip_prefix('@') {
            Some(path) => {
                if let Ok(text) = std::fs::read_to_string(path) {
                    expanded.extend(text.lines().map(str::to_owned));
                }
            }
            None => expanded.push(arg),
        }
    }
    let mut iter = expanded.into_iter();
    while let Some(arg) = iter.next() {
        if arg == "--crate-name" {
            return iter.next();
        }
        if let Some(name) = arg.strip_prefix("--crate-name=") {
            return Some(name.to_owned());
        }
    }
    None
}

fn path_for(found: Option<FoundCrate>, building_lib: bool) -> TokenStream {
    match found {
        Some(FoundCrate::Itself) if building_lib => quote!(crate),
        Some(FoundCrate::Name(name)) => {
            let ident = Ident::new(&name, Span::call_site());
            quote!(::#ident)
        }
        Some(FoundCrate::Itself) | None => {
            let ident = Ident::new(FACADE, Span::call_site());
            quote!(::#ident)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renamed_dependency() {
        let p = path_for(Some(FoundCrate::Name("tokio".into())), false);
        assert_eq!(p.to_string(), ":: tokio");
    }

    #[test]
    fn itself() {
        assert_eq!(
            path_for(Some(FoundCrate::Itself), true).to_string(),
            "crate"
        );
        assert_eq!(
            path_for(Some(FoundCrate::Itself), false).to_string(),
            ":: rt"
        );
    }

    #[test]
    fn crate_name_argument() {
        let args = |a: &[&str]| {
            a.iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
                .into_iter()
        };
        assert_eq!(
            compiled_crate_name(args(&["--edition=2021", "--crate-name", "rt", "--test"])),
            Some("rt".to_owned())
        );
        assert_eq!(
            compiled_crate_name(args(&["--crate-name=example"])),
            Some("example".to_owned())
        );
        assert_eq!(compiled_crate_name(args(&["--crate-type=bin", "-"])), None);

        let dir = std::env::temp_dir().join(format!("rt-macros-argfile-{}", std::process::id()));
        std::fs::write(&dir, "--edition=2021\n--crate-name\nrt\n").unwrap();
        let at = format!("@{}", dir.display());
        assert_eq!(compiled_crate_name(args(&[&at])), Some("rt".to_owned()));
        std::fs::remove_file(&dir).unwrap();
    }

    #[test]
    fn fallback() {
        assert_eq!(path_for(None, false).to_string(), ":: rt");
        assert_eq!(path_for(None, true).to_string(), ":: rt");
    }
}
