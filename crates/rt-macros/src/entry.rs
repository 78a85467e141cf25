//! The expansion of `#[rt::main]` and `#[rt::test]`.
//!
//! ```text
//! #[rt::main(flavor = "multi_thread", worker_threads = 2)]
//! async fn main() -> R { BODY }
//!
//!   becomes
//!
//! fn main() -> R {
//!     let body = async { BODY };
//!     let runtime = <crate>::runtime::Builder::new_multi_thread()
//!         .enable_all()
//!         .worker_threads(2)
//!         .build()
//!         .expect("Failed building the Runtime");
//!     runtime.block_on(body)
//! }
//! ```
//!
//! The body stays an `async` block of its own, so `return` and `?` inside it
//! leave the block with the function's return type, exactly as they left the
//! `async fn`. The block borrows the function's arguments (functions other
//! than `main` may take some), which is sound because `block_on` finishes
//! before the function returns. The body is never parsed beyond finding its
//! last statement, so the macro does not get in the way of code that is still
//! being written.
//!
//! On an error the macro emits the errors plus a synchronous stand-in for the
//! function, so that the only diagnostics the user sees are ours (no "`main`
//! function not found" or "`main` cannot be async" on top).

use proc_macro2::{Delimiter, Group, Span, TokenStream, TokenTree};
use quote::{quote, quote_spanned, ToTokens};
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Attribute, Signature, Visibility};

use crate::args::{Config, Flavor, Kind};
use crate::crate_path;

/// An `fn` item whose body is kept as raw tokens.
struct ItemFnLite {
    attrs: Vec<Attribute>,
    vis: Visibility,
    sig: Signature,
    body: Group,
}

impl Parse for ItemFnLite {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let vis: Visibility = input.parse()?;
        let sig: Signature = input.parse()?;
        let body = match input.parse::<TokenTree>()? {
            TokenTree::Group(g) if g.delimiter() == Delimiter::Brace => g,
            other => return Err(syn::Error::new(other.span(), "expected a function body")),
        };
        if !input.is_empty() {
            return Err(input.error("unexpected tokens after the function body"));
        }
        Ok(ItemFnLite {
            attrs,
            vis,
            sig,
            body,
        })
    }
}

/// Whether `attr` is a test attribute (`#[test]`, `#[core::prelude::v1::test]`,
/// `#[rt::test]`, `#[tokio::test]`, ...).
fn is_test_attribute(attr: &Attribute) -> bool {
    attr.path()
        .segments
        .last()
        .is_some_and(|seg| seg.ident == "test")
}

/// The span errors about the body's value should point at: the last
/// statement of the body if it parses, else the closing brace.
fn last_statement_span(body: &Group) -> Span {
    let stmts = syn::parse2::<syn::Block>(body.to_token_stream())
        .map(|b| b.stmts)
        .unwrap_or_default();
    match stmts.last() {
        Some(stmt) => stmt.span(),
        None => body.span_close(),
    }
}

/// Expands `#[rt::main]` (`kind == Main`) or `#[rt::test]` (`kind == Test`).
pub(crate) fn expand(
    args: TokenStream,
    item: TokenStream,
    kind: Kind,
    multi_thread_available: bool,
) -> TokenStream {
    let mut input: ItemFnLite = match syn::parse2(item.clone()) {
        Ok(input) => input,
        Err(err) => {
            let msg = syn::Error::new(
                err.span(),
                format!(
                    "`#[{}]` can only be applied to an `async fn`: {err}",
                    kind.attr_name()
                ),
            );
            let mut out = msg.to_compile_error();
            out.extend(item);
            return out;
        }
    };

    let mut errors: Option<syn::Error> = None;
    let mut push = |err: syn::Error| match &mut errors {
        Some(all) => all.combine(err),
        None => errors = Some(err),
    };

    let config = match Config::parse(args, kind, multi_thread_available) {
        Ok(config) => Some(config),
        Err(err) => {
            push(err);
            None
        }
    };

    if input.sig.asyncness.is_none() {
        push(syn::Error::new(
            input.sig.fn_token.span,
            format!(
                "the `async` keyword is missing from the function declaration: \
                 `#[{}]` can only be applied to an `async fn`",
                kind.attr_name()
            ),
        ));
    }

    let takes_args = !input.sig.inputs.is_empty();
    match kind {
        Kind::Main if input.sig.ident == "main" && takes_args => push(syn::Error::new(
            input.sig.inputs.span(),
            "the main function cannot accept arguments",
        )),
        Kind::Test if takes_args => push(syn::Error::new(
            input.sig.inputs.span(),
            "the test function cannot accept arguments",
        )),
        _ => {}
    }

    if kind == Kind::Test {
        if let Some(attr) = input.attrs.iter().find(|a| is_test_attribute(a)) {
            push(syn::Error::new(
                attr.path().span(),
                "second test attribute: `#[rt::test]` already marks the function as a test; \
                 remove this attribute or the `#[rt::test]` one",
            ));
        }
    }

    if let Some(errors) = errors {
        let mut out = errors.to_compile_error();
        out.extend(recovery_item(input, item));
        return out;
    }
    let config = config.expect("no errors, so the arguments parsed");

    let krate = match &config.crate_path {
        Some(path) => path.to_token_stream(),
        None => crate_path::facade_path(),
    };

    let body_ident = syn::Ident::new("body", Span::mixed_site());
    let runtime_ident = syn::Ident::new("runtime", Span::mixed_site());
    let builder = match config.flavor {
        Flavor::CurrentThread => quote!(new_current_thread),
        Flavor::MultiThread => quote!(new_multi_thread),
    };
    let worker_threads = config.worker_threads.map(|n| quote!(.worker_threads(#n)));
    let start_paused = config.start_paused.map(|b| quote!(.start_paused(#b)));

    let last_span = last_statement_span(&input.body);
    let body = &input.body;
    // The call that yields the function's value carries the span of the
    // body's last statement, so a mismatch with the declared return type is
    // reported at the user's code rather than at the attribute.
    let tail_span = last_span.resolved_at(Span::mixed_site());
    let runtime_tail = syn::Ident::new("runtime", tail_span);
    let body_tail = syn::Ident::new("body", tail_span);
    let block_on = quote_spanned! {last_span=>
        #runtime_tail.block_on(#body_tail)
    };

    input.sig.asyncness = None;
    let ItemFnLite {
        attrs, vis, sig, ..
    } = &input;

    let test_attr = match kind {
        Kind::Test => quote!(#[::core::prelude::v1::test]),
        Kind::Main => quote!(),
    };

    quote! {
        #test_attr
        #(#attrs)*
        #vis #sig {
            let #body_ident = async #body;
            #[allow(clippy::expect_used, clippy::diverging_sub_expression)]
            let #runtime_ident = #krate::runtime::Builder::#builder()
                .enable_all()
                #worker_threads
                #start_paused
                .build()
                .expect("Failed building the Runtime");
            #block_on
        }
    }
}

/// What to emit next to the errors: a synchronous function with the same
/// name, so that rustc adds no errors of its own (a missing `main`, an
/// `async main`, await outside async).
fn recovery_item(mut input: ItemFnLite, original: TokenStream) -> TokenStream {
    if input.sig.asyncness.is_none() {
        // A plain `fn` compiles as it is.
        return original;
    }
    input.sig.asyncness = None;
    if input.sig.ident == "main" {
        input.sig.inputs = Punctuated::new();
    }
    let ItemFnLite {
        attrs, vis, sig, ..
    } = &input;
    let attrs = attrs.iter().filter(|a| !is_test_attribute(a));
    quote! {
        #(#attrs)*
        #[allow(unused_variables, unreachable_code, clippy::diverging_sub_expression)]
        #vis #sig {
            ::core::panic!("this function failed to expand; see the compile errors")
        }
    }
}
