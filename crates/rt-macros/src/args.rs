//! The argument parser of `#[rt::main(...)]` and `#[rt::test(...)]`.
//!
//! The grammar is a comma-separated list of `key = value` pairs:
//!
//! | key              | value                                         |
//! |------------------|-----------------------------------------------|
//! | `flavor`         | `"current_thread"` or `"multi_thread"`        |
//! | `worker_threads` | an integer literal greater than zero          |
//! | `start_paused`   | `true` or `false`                             |
//! | `crate`          | a string literal holding a path, e.g. `"::rt"` |
//!
//! Parsing happens in two steps: [`RawArgs`] only checks the shape
//! (`key = value, ...`), [`Config::from_raw`] checks every key and value and
//! the rules that tie them together. Every error carries the span of the token
//! at fault, and independent errors are combined so that one compile shows
//! them all.

use proc_macro2::{Span, TokenStream};
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream, Parser};
use syn::spanned::Spanned;
use syn::{Expr, ExprLit, Ident, Lit, Token};

/// Which attribute is being expanded: it decides the default flavor and the
/// wording of the error messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `#[rt::main]`: defaults to the multi-thread runtime.
    Main,
    /// `#[rt::test]`: defaults to the current-thread runtime.
    Test,
}

impl Kind {
    /// The attribute as a user writes it, for error messages.
    pub(crate) fn attr_name(self) -> &'static str {
        match self {
            Kind::Main => "rt::main",
            Kind::Test => "rt::test",
        }
    }
}

/// The runtime flavor the expansion builds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Flavor {
    /// `Builder::new_current_thread()`.
    CurrentThread,
    /// `Builder::new_multi_thread()`.
    MultiThread,
}

/// The validated arguments of one attribute.
pub(crate) struct Config {
    /// The flavor, explicit or defaulted.
    pub(crate) flavor: Flavor,
    /// `worker_threads = N`, only ever set with [`Flavor::MultiThread`].
    pub(crate) worker_threads: Option<usize>,
    /// `start_paused = bool`, only ever set with [`Flavor::CurrentThread`].
    pub(crate) start_paused: Option<bool>,
    /// `crate = "path"`: overrides the path to the facade crate.
    pub(crate) crate_path: Option<syn::Path>,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let crate_path = self
            .crate_path
            .as_ref()
            .map(|p| quote::ToTokens::to_token_stream(p).to_string());
        f.debug_struct("Config")
            .field("flavor", &self.flavor)
            .field("worker_threads", &self.worker_threads)
            .field("start_paused", &self.start_paused)
            .field("crate_path", &crate_path)
            .finish()
    }
}

/// One `key = value` pair as written, before validation.
struct RawArg {
    key: Ident,
    value: Expr,
}

/// The argument list as written, before validation.
struct RawArgs(Vec<RawArg>);

impl Parse for RawArgs {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut args = Vec::new();
        while !input.is_empty() {
            // `parse_any` accepts keywords, so that `crate = "..."` parses.
            let key = input.call(Ident::parse_any).map_err(|e| {
                syn::Error::new(
                    e.span(),
                    "expected an argument of the form `key = value`, e.g. `flavor = \"current_thread\"`",
                )
            })?;
            if !input.peek(Token![=]) {
                return Err(syn::Error::new(
                    key.span(),
                    format!("expected `=` and a value after `{key}`"),
                ));
            }
            input.parse::<Token![=]>()?;
            let value: Expr = input.parse()?;
            args.push(RawArg { key, value });
            if input.is_empty() {
                break;
            }
            input.parse::<Token![,]>()?;
        }
        Ok(RawArgs(args))
    }
}

/// Adds `err` to the running collection of errors.
fn push_error(errors: &mut Option<syn::Error>, err: syn::Error) {
    match errors {
        Some(all) => all.combine(err),
        None => *errors = Some(err),
    }
}

/// The literal inside `value`, if it is one.
fn as_lit(value: &Expr) -> Option<&Lit> {
    match value {
        Expr::Lit(ExprLit { lit, attrs }) if attrs.is_empty() => Some(lit),
        _ => None,
    }
}

fn parse_flavor(value: &Expr) -> syn::Result<Flavor> {
    let (text, span) = match value {
        Expr::Lit(ExprLit {
            lit: Lit::Str(s), ..
        }) => (s.value(), s.span()),
        // Be lenient: accept `flavor = current_thread` as well.
        Expr::Path(p) if p.path.get_ident().is_some() => {
            let ident = p.path.get_ident().expect("checked above");
            (ident.to_string(), ident.span())
        }
        other => {
            return Err(syn::Error::new(
                other.span(),
                "expected a string literal: `\"current_thread\"` or `\"multi_thread\"`",
            ))
        }
    };
    match text.as_str() {
        "current_thread" => Ok(Flavor::CurrentThread),
        "multi_thread" => Ok(Flavor::MultiThread),
        _ => Err(syn::Error::new(
            span,
            format!(
                "unknown runtime flavor `{text}`; the flavors are `current_thread` and `multi_thread`"
            ),
        )),
    }
}

fn parse_worker_threads(value: &Expr) -> syn::Result<usize> {
    let Some(Lit::Int(lit)) = as_lit(value) else {
        return Err(syn::Error::new(
            value.span(),
            "expected an integer literal for `worker_threads`, e.g. `worker_threads = 4`",
        ));
    };
    let n: usize = lit.base10_parse()?;
    if n == 0 {
        return Err(syn::Error::new(
            lit.span(),
            "`worker_threads` may not be 0: a multi-thread runtime needs at least one worker",
        ));
    }
    Ok(n)
}

fn parse_bool(key: &Ident, value: &Expr) -> syn::Result<bool> {
    match as_lit(value) {
        Some(Lit::Bool(b)) => Ok(b.value),
        _ => Err(syn::Error::new(
            value.span(),
            format!("expected `true` or `false` for `{key}`"),
        )),
    }
}

fn parse_crate_path(value: &Expr) -> syn::Result<syn::Path> {
    let Some(Lit::Str(lit)) = as_lit(value) else {
        return Err(syn::Error::new(
            value.span(),
            "expected a string literal holding a path for `crate`, e.g. `crate = \"::rt\"`",
        ));
    };
    // Parse the path and give its tokens the literal's span, so that errors
    // about the path (e.g. an unresolved crate) point at the literal.
    let parser = syn::Path::parse_mod_style;
    let tokens: TokenStream = lit.value().parse().map_err(|_| {
        syn::Error::new(lit.span(), format!("`{}` is not a valid path", lit.value()))
    })?;
    let respanned: TokenStream = tokens
        .into_iter()
        .map(|mut tt| {
            tt.set_span(lit.span());
            tt
        })
        .collect();
    parser
        .parse2(respanned)
        .map_err(|_| syn::Error::new(lit.span(), format!("`{}` is not a valid path", lit.value())))
}

impl Config {
    /// Parses and validates the attribute arguments `args`.
    ///
    /// `multi_thread_available` is false for the `main_rt`/`test_rt`
    /// variants, which the facade exports when its `rt-multi-thread` feature is
    /// off: there, asking for the multi-thread flavor (explicitly, or through
    /// the default of `#[rt::main]`) is an error that names the feature.
    pub(crate) fn parse(
        args: TokenStream,
        kind: Kind,
        multi_thread_available: bool,
    ) -> syn::Result<Config> {
        let raw: RawArgs = syn::parse2(args)?;
        Config::from_raw(raw, kind, multi_thread_available)
    }

    fn from_raw(raw: RawArgs, kind: Kind, multi_thread_available: bool) -> syn::Result<Config> {
        let mut errors: Option<syn::Error> = None;
        let mut seen: Vec<String> = Vec::new();

        let mut flavor: Option<(Flavor, Span)> = None;
        let mut worker_threads: Option<(usize, Span)> = None;
        let mut start_paused: Option<(bool, Span)> = None;
        let mut crate_path: Option<syn::Path> = None;

        for RawArg { key, value } in &raw.0 {
            let name = key.unraw().to_string();
            if seen.contains(&name) {
                push_error(
                    &mut errors,
                    syn::Error::new(key.span(), format!("`{name}` is given more than once")),
                );
                continue;
            }
            seen.push(name.clone());
            let result = match name.as_str() {
                "flavor" => parse_flavor(value).map(|f| flavor = Some((f, value.span()))),
                "worker_threads" => {
                    parse_worker_threads(value).map(|n| worker_threads = Some((n, key.span())))
                }
                "start_paused" => {
                    parse_bool(key, value).map(|b| start_paused = Some((b, key.span())))
                }
                "crate" => parse_crate_path(value).map(|p| crate_path = Some(p)),
                _ => Err(syn::Error::new(
                    key.span(),
                    format!(
                        "unknown attribute `{name}`; expected one of `flavor`, `worker_threads`, \
                         `start_paused`, `crate`"
                    ),
                )),
            };
            if let Err(e) = result {
                push_error(&mut errors, e);
            }
        }

        let attr = kind.attr_name();
        let resolved = match flavor {
            Some((f, _)) => f,
            None => match kind {
                Kind::Main => Flavor::MultiThread,
                Kind::Test => Flavor::CurrentThread,
            },
        };

        if resolved == Flavor::MultiThread && !multi_thread_available {
            let err = match flavor {
                Some((_, span)) => syn::Error::new(
                    span,
                    "the `multi_thread` runtime flavor needs the `rt-multi-thread` feature of rt; \
                     enable that feature or use `flavor = \"current_thread\"`",
                ),
                None => syn::Error::new(
                    Span::call_site(),
                    format!(
                        "the default runtime flavor of `#[{attr}]` is `multi_thread`, which needs \
                         the `rt-multi-thread` feature of rt; enable that feature or use \
                         `#[{attr}(flavor = \"current_thread\")]`"
                    ),
                ),
            };
            push_error(&mut errors, err);
        }

        if let (Some((_, span)), Flavor::CurrentThread) = (worker_threads, resolved) {
            push_error(
                &mut errors,
                syn::Error::new(
                    span,
                    format!(
                        "`worker_threads` needs the `multi_thread` runtime flavor; use \
                         `#[{attr}(flavor = \"multi_thread\", worker_threads = ...)]` or remove it"
                    ),
                ),
            );
        }

        if let (Some((_, span)), Flavor::MultiThread) = (start_paused, resolved) {
            push_error(
                &mut errors,
                syn::Error::new(
                    span,
                    format!(
                        "`start_paused` needs the `current_thread` runtime flavor (time can only \
                         be paused on a single-threaded runtime); use \
                         `#[{attr}(flavor = \"current_thread\", start_paused = true)]`"
                    ),
                ),
            );
        }

        match errors {
            Some(e) => Err(e),
            None => Ok(Config {
                flavor: resolved,
                worker_threads: worker_threads.map(|(n, _)| n),
                start_paused: start_paused.map(|(b, _)| b),
                crate_path,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn parse(args: TokenStream, kind: Kind) -> syn::Result<Config> {
        Config::parse(args, kind, true)
    }

    fn err(args: TokenStream, kind: Kind, available: bool) -> String {
        Config::parse(args, kind, available)
            .expect_err("expected an error")
            .into_iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn defaults() {
        let main = parse(quote!(), Kind::Main).unwrap();
        assert_eq!(main.flavor, Flavor::MultiThread);
        assert_eq!(main.worker_threads, None);
        assert_eq!(main.start_paused, None);
        assert!(main.crate_path.is_none());

        let test = parse(quote!(), Kind::Test).unwrap();
        assert_eq!(test.flavor, Flavor::CurrentThread);
    }

    #[test]
    fn all_keys() {
        let cfg = parse(
            quote!(
                flavor = "multi_thread",
                worker_threads = 3,
                crate = "::my_rt::inner"
            ),
            Kind::Test,
        )
        .unwrap();
        assert_eq!(cfg.flavor, Flavor::MultiThread);
        assert_eq!(cfg.worker_threads, Some(3));
        let path = cfg.crate_path.unwrap();
        assert_eq!(quote!(#path).to_string(), ":: my_rt :: inner");

        let cfg = parse(
            quote!(flavor = "current_thread", start_paused = true,),
            Kind::Main,
        )
        .unwrap();
        assert_eq!(cfg.flavor, Flavor::CurrentThread);
        assert_eq!(cfg.start_paused, Some(true));
    }

    #[test]
    fn bare_ident_flavor() {
        let cfg = parse(quote!(flavor = current_thread), Kind::Main).unwrap();
        assert_eq!(cfg.flavor, Flavor::CurrentThread);
    }

    #[test]
    fn unknown_flavor() {
        let e = err(quote!(flavor = "single"), Kind::Main, true);
        assert!(e.contains("unknown runtime flavor `single`"), "{e}");
    }

    #[test]
    fn zero_workers() {
        let e = err(
            quote!(flavor = "multi_thread", worker_threads = 0),
            Kind::Main,
            true,
        );
        assert!(e.contains("may not be 0"), "{e}");
    }

    #[test]
    fn workers_need_multi_thread() {
        let e = err(quote!(worker_threads = 2), Kind::Test, true);
        assert!(e.contains("needs the `multi_thread` runtime flavor"), "{e}");
        assert!(e.contains("rt::test"), "{e}");
        // The default flavor of main is multi_thread: fine there.
        assert_eq!(
            parse(quote!(worker_threads = 2), Kind::Main)
                .unwrap()
                .worker_threads,
            Some(2)
        );
    }

    #[test]
    fn start_paused_needs_current_thread() {
        let e = err(quote!(start_paused = true), Kind::Main, true);
        assert!(
            e.contains("needs the `current_thread` runtime flavor"),
            "{e}"
        );
    }

    #[test]
    fn unknown_key() {
        let e = err(quote!(threads = 2), Kind::Main, true);
        assert!(e.contains("unknown attribute `threads`"), "{e}");
    }

    #[test]
    fn duplicate_key() {
        let e = err(
            quote!(flavor = "current_thread", flavor = "current_thread"),
            Kind::Main,
            true,
        );
        assert!(e.contains("`flavor` is given more than once"), "{e}");
    }

    #[test]
    fn several_errors_are_all_reported() {
        let e = err(quote!(bogus = 1, flavor = "nope"), Kind::Main, true);
        assert!(e.contains("unknown attribute `bogus`"), "{e}");
        assert!(e.contains("unknown runtime flavor `nope`"), "{e}");
    }

    #[test]
    fn wrong_value_types() {
        assert!(err(quote!(worker_threads = "4"), Kind::Main, true).contains("integer literal"));
        assert!(err(quote!(start_paused = 1), Kind::Test, true).contains("`true` or `false`"));
        assert!(err(quote!(crate = rt), Kind::Test, true).contains("string literal"));
        assert!(err(quote!(crate = "not a path"), Kind::Test, true).contains("not a valid path"));
        assert!(err(quote!(flavor = 3), Kind::Test, true).contains("expected a string literal"));
    }

    #[test]
    fn malformed_lists() {
        assert!(err(quote!(flavor), Kind::Main, true).contains("expected `=`"));
        assert!(Config::parse(
            quote!(flavor = "current_thread" start_paused = true),
            Kind::Main,
            true
        )
        .is_err());
        assert!(err(quote!("x"), Kind::Main, true).contains("key = value"));
    }

    #[test]
    fn rt_only_variants() {
        let e = err(quote!(), Kind::Main, false);
        assert!(
            e.contains("default runtime flavor of `#[rt::main]` is `multi_thread`"),
            "{e}"
        );
        assert!(e.contains("rt-multi-thread"), "{e}");
        let e = err(quote!(flavor = "multi_thread"), Kind::Test, false);
        assert!(e.contains("needs the `rt-multi-thread` feature"), "{e}");
        // current_thread is fine, and it is the default of test.
        assert!(Config::parse(quote!(), Kind::Test, false).is_ok());
        assert!(Config::parse(quote!(flavor = "current_thread"), Kind::Main, false).is_ok());
    }
}
