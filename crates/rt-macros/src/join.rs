//! The expansion behind `join!` and `try_join!`.
//!
//! The declarative front-ends in the facade forward their tokens as
//! `( $crate ) [biased;] expr, expr, ...`. The expansion keeps every branch
//! in two locals of its own, the pinned future and its output slot:
//!
//! ```text
//! {
//!     let mut f0 = pin!(Some(IntoFuture::into_future(e0)));
//!     let mut o0 = None;
//!     ...
//!     let mut next = 0;                      // unbiased: the branch to poll first
//!     poll_fn(|cx| {
//!         for k in 0..N {                    // starting at `next`, rotating
//!             match (start + k) % N {
//!                 0 => poll_join_slot(f0.as_mut(), &mut o0, cx),  // Pending -> remember
//!                 ...
//!             }
//!         }
//!         if any pending { Pending } else { Ready((take(o0), take(o1), ...)) }
//!     }).await
//! }
//! ```
//!
//! Pinning each future in its own local (`core::pin::pin!`) needs no
//! `unsafe`, and a completed future is dropped at once (its `Option` is set to
//! `None`) while its output waits in the slot. `try_join!` returns
//! `Ready(Err(e))` on the first error; the remaining futures are dropped when
//! the block ends.
//!
//! Unless `biased;` is given, the branch polled first rotates by one on every
//! poll, so no branch can starve the ones after it.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Expr, Token};

syn::custom_keyword!(biased);

/// The forwarded input of `join!`/`try_join!`.
pub(crate) struct JoinInput {
    krate: TokenStream,
    biased: bool,
    exprs: Vec<Expr>,
}

/// Parses the `( $crate )` prefix that every forwarding front-end adds.
pub(crate) fn parse_crate_prefix(input: ParseStream<'_>) -> syn::Result<TokenStream> {
    let content;
    syn::parenthesized!(content in input);
    content.parse()
}

/// Parses an optional leading `biased;`.
pub(crate) fn parse_biased(input: ParseStream<'_>) -> syn::Result<bool> {
    if input.peek(biased) && input.peek2(Token![;]) {
        input.parse::<biased>()?;
        input.parse::<Token![;]>()?;
        Ok(true)
    } else {
        Ok(false)
    }
}

impl Parse for JoinInput {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let krate = parse_crate_prefix(input)?;
        let biased = parse_biased(input)?;
        let exprs = Punctuated::<Expr, Token![,]>::parse_terminated(input)?;
        Ok(JoinInput {
            krate,
            biased,
            exprs: exprs.into_iter().collect(),
        })
    }
}

/// Whether the expansion is for `join!` or `try_join!`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Join,
    TryJoin,
}

/// Expands `join!` or `try_join!`.
pub(crate) fn expand(input: TokenStream, mode: Mode) -> TokenStream {
    match syn::parse2::<JoinInput>(input) {
        Ok(parsed) => expand_parsed(parsed, mode),
        Err(err) => err.to_compile_error(),
    }
}

fn expand_parsed(input: JoinInput, mode: Mode) -> TokenStream {
    let JoinInput {
        krate,
        biased,
        exprs,
    } = input;
    let support = quote!(#krate::macros::support);
    let n = exprs.len();

    if n == 0 {
        // Nothing to wait for; still an `.await`, so that the macro is only
        // usable in async code, as with any number of branches.
        return match mode {
            Mode::Join => quote!(#support::ready(()).await),
            Mode::TryJoin => quote!(#support::ready(::core::result::Result::Ok(())).await),
        };
    }

    let mixed = Span::mixed_site();
    let futs: Vec<_> = (0..n)
        .map(|i| format_ident!("fut{}", i, span = mixed))
        .collect();
    let outs: Vec<_> = (0..n)
        .map(|i| format_ident!("out{}", i, span = mixed))
        .collect();
    let cx = format_ident!("cx", span = mixed);
    let pending = format_ident!("pending", span = mixed);
    let next = format_ident!("next", span = mixed);
    let start = format_ident!("start", span = mixed);
    let k = format_ident!("k", span = mixed);

    let declare = exprs.iter().zip(&futs).zip(&outs).map(|((e, f), o)| {
        quote! {
            let mut #f = #support::pin!(::core::option::Option::Some(
                #support::IntoFuture::into_future(#e)
            ));
            let mut #o = ::core::option::Option::None;
        }
    });

    let poll_one = |i: usize| {
        let f = &futs[i];
        let o = &outs[i];
        match mode {
            Mode::Join => quote! {
                if #support::poll_join_slot(#f.as_mut(), &mut #o, #cx).is_pending() {
                    #pending = true;
                }
            },
            Mode::TryJoin => quote! {
                match #support::poll_try_join_slot(#f.as_mut(), &mut #o, #cx) {
                    #support::Poll::Pending => #pending = true,
                    #support::Poll::Ready(::core::result::Result::Ok(())) => {}
                    #support::Poll::Ready(::core::result::Result::Err(e)) => {
                        return #support::Poll::Ready(::core::result::Result::Err(e));
                    }
                }
            },
        }
    };

    let n_u32 = n as u32;
    let (rotation_state, poll_all) = if biased || n == 1 {
        let each = (0..n).map(poll_one);
        (quote!(), quote!( #(#each)* ))
    } else {
        let arms = (0..n).map(|i| {
            let body = poll_one(i);
            let i = i as u32;
            quote!( #i => { #body } )
        });
        (
            quote!( let mut #next: u32 = 0; ),
            quote! {
                let #start = #next;
                #next = if #next + 1 == #n_u32 { 0 } else { #next + 1 };
                for #k in 0..#n_u32 {
                    let #k = (#start + #k) % #n_u32;
                    match #k {
                        #(#arms)*
                        _ => {}
                    }
                }
            },
        )
    };

    let outputs = quote!( ( #( #support::take_output(&mut #outs), )* ) );
    let ready = match mode {
        Mode::Join => quote!(#support::Poll::Ready(#outputs)),
        Mode::TryJoin => quote!(#support::Poll::Ready(::core::result::Result::Ok(#outputs))),
    };

    quote! {{
        #(#declare)*
        #rotation_state
        #support::poll_fn(|#cx| {
            let mut #pending = false;
            #poll_all
            if #pending {
                #support::Poll::Pending
            } else {
                #ready
            }
        }).await
    }}
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn parse(tokens: TokenStream) -> syn::Result<JoinInput> {
        syn::parse2(tokens)
    }

    #[test]
    fn parses_expressions_and_biased() {
        let input = parse(quote!((::rt) biased; a, async { b }, c.await_later(),)).unwrap();
        assert!(input.biased);
        assert_eq!(input.exprs.len(), 3);
        assert_eq!(input.krate.to_string(), ":: rt");

        let input = parse(quote!((crate) a)).unwrap();
        assert!(!input.biased);
        assert_eq!(input.exprs.len(), 1);

        assert_eq!(parse(quote!((::rt))).unwrap().exprs.len(), 0);
        // A variable called `biased` is an expression, not the keyword.
        let input = parse(quote!((::rt) biased, other)).unwrap();
        assert!(!input.biased);
        assert_eq!(input.exprs.len(), 2);
    }

    #[test]
    fn rejects_missing_commas() {
        let err = parse(quote!((::rt) a b)).err().expect("error");
        assert!(err.to_string().contains("expected `,`"), "{err}");
    }

    #[test]
    fn expansion_rotates_unless_biased() {
        let expanded = expand(quote!((::rt) a, b), Mode::Join).to_string();
        assert!(expanded.contains("poll_join_slot"));
        assert!(expanded.contains("% 2u32"), "{expanded}");
        let expanded = expand(quote!((::rt) biased; a, b), Mode::Join).to_string();
        assert!(!expanded.contains('%'), "{expanded}");
        let expanded = expand(quote!((::rt) a, b), Mode::TryJoin).to_string();
        assert!(expanded.contains("poll_try_join_slot"));
    }
}
