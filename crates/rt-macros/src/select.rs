//! The expansion behind `select!`.
//!
//! The declarative front-end in the facade forwards its tokens as
//! `( $crate ) [biased;] branches`, where a branch is
//!
//! ```text
//! <pattern> = <async expression> [, if <precondition>] => <handler> [,]
//! else => <expression> [,]
//! ```
//!
//! # The expansion
//!
//! ```text
//! {
//!     enum Out<T0, T1, ..> { B0(T0), B1(T1), .., Disabled }
//!     let mut disabled0 = !(precondition0);      // `false` without one
//!     ...
//!     let out = {
//!         let mut fut0 = pin!(IntoFuture::into_future(expr0));
//!         ...
//!         poll_fn(|cx| {
//!             if the task's coop budget is spent { wake; return Pending }
//!             let start = thread_rng_n(N);         // none when `biased;`
//!             let mut pending = false;
//!             for k in 0..N {
//!                 match (start + k) % N {
//!                     0 => {
//!                         if disabled0 { continue }
//!                         let v = match fut0.as_mut().poll(cx) {
//!                             Ready(v) => v,
//!                             Pending => { pending = true; continue }
//!                         };
//!                         disabled0 = true;      // completed: never poll it again
//!                         match &v { <pattern0 without bindings modes> => {} _ => continue }
//!                         return Ready(Out::B0(v));
//!                     }
//!                     ...
//!                 }
//!             }
//!             if pending { Pending } else { Ready(Out::Disabled) }
//!         }).await
//!     };                                           // the futures are dropped here
//!     match out {
//!         Out::B0(<pattern0>) => <handler0>,
//!         ...
//!         Out::Disabled => <else, or a panic>,
//!     }
//! }
//! ```
//!
//! # Why it is correct
//!
//! * Preconditions run first, in branch order, then every async expression
//!   is evaluated (disabled or not), as documented for Tokio's `select!`.
//! * A branch is polled only while it is enabled; it is disabled when its
//!   future completes, so a completed future is never polled again.
//! * A completed value whose pattern does not match disables the branch and
//!   the loop goes on with the others; a value whose pattern matches leaves
//!   the poll function at once. The match is tested on a reference with a
//!   *cleaned* copy of the pattern (no `ref`/`mut`/`@` bindings, no `&`
//!   patterns), which under default binding modes accepts exactly the values
//!   the original pattern accepts, without moving the value.
//! * Every enabled branch was polled in this call, so when none is pending,
//!   all are disabled and the `else` branch runs.
//! * Before polling any branch, the poll function checks the task's
//!   cooperative budget (`support::poll_budget_available`); when it is spent
//!   the task is woken and yields, so a `select!` loop over always-ready
//!   branches cannot hog its worker. No branch is polled in that case, so
//!   nothing is lost.
//! * Handlers run after the `poll_fn` block, outside any closure, once all
//!   the futures are dropped: `return`, `?`, `break` and `continue` in a
//!   handler act on the enclosing function or loop, and a handler may use
//!   whatever the futures borrowed.
//!
//! Each branch gets its own locals (`fut0`, `disabled0`, ...), so no
//! `unsafe` pin projection is needed and there is no limit on the number of
//! branches. All generated locals have mixed-site hygiene: user code can
//! neither see nor shadow them.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, ToTokens};
use syn::parse::{Parse, ParseStream};
use syn::{token, Expr, Pat, Token};

use crate::join::{parse_biased, parse_crate_prefix};

/// One `pattern = future [, if precondition] => handler` branch.
struct Branch {
    pat: Pat,
    fut: Expr,
    cond: Option<Expr>,
    handler: Expr,
}

/// The forwarded input of `select!`.
struct SelectInput {
    krate: TokenStream,
    biased: bool,
    branches: Vec<Branch>,
    else_branch: Option<Expr>,
}

/// Whether `expr` ends like a block, so that a following `,` is optional (as
/// in a `match` arm).
fn is_block_like(expr: &Expr) -> bool {
    matches!(
        expr,
        Expr::Block(_)
            | Expr::If(_)
            | Expr::Match(_)
            | Expr::Loop(_)
            | Expr::While(_)
            | Expr::ForLoop(_)
            | Expr::Unsafe(_)
            | Expr::TryBlock(_)
            | Expr::Const(_)
    )
}

/// Parses `=> handler` and the comma after it.
fn parse_handler(input: ParseStream<'_>) -> syn::Result<Expr> {
    input.parse::<Token![=>]>()?;
    let handler: Expr = if input.peek(token::Brace) {
        // A braced handler ends at its closing brace (like a match arm), so
        // that a next branch starting with `(`, `&` or `-` is not taken for
        // a call or an operator.
        Expr::Block(syn::ExprBlock {
            attrs: Vec::new(),
            label: None,
            block: input.parse()?,
        })
    } else {
        input.parse()?
    };
    if input.peek(Token![,]) {
        input.parse::<Token![,]>()?;
    } else if !input.is_empty() && !is_block_like(&handler) {
        return Err(input.error("expected `,` after the handler of this `select!` branch"));
    }
    Ok(handler)
}

impl Parse for SelectInput {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let krate = parse_crate_prefix(input)?;
        let biased = parse_biased(input)?;
        let mut branches = Vec::new();
        let mut else_branch = None;
        while !input.is_empty() {
            if input.peek(Token![else]) {
                let else_token: Token![else] = input.parse()?;
                if else_branch.is_some() {
                    return Err(syn::Error::new(
                        else_token.span,
                        "`select!` takes at most one `else` branch",
                    ));
                }
                else_branch = Some(parse_handler(input)?);
                continue;
            }
            let pat = Pat::parse_multi_with_leading_vert(input)?;
            if !input.peek(Token![=]) || input.peek(Token![=>]) || input.peek(Token![==]) {
                return Err(input.error(
                    "expected `=` after the pattern of a `select!` branch: \
                     `<pattern> = <async expression> => <handler>`",
                ));
            }
            input.parse::<Token![=]>()?;
            let fut: Expr = input.parse()?;
            let cond = if input.peek(Token![,]) && input.peek2(Token![if]) {
                input.parse::<Token![,]>()?;
                input.parse::<Token![if]>()?;
                Some(input.parse::<Expr>()?)
            } else {
                None
            };
            if !input.peek(Token![=>]) {
                return Err(input.error(
                    "expected `=>` (or `, if <precondition> =>`) after the async expression \
                     of a `select!` branch",
                ));
            }
            let handler = parse_handler(input)?;
            branches.push(Branch {
                pat,
                fut,
                cond,
                handler,
            });
        }
        if branches.is_empty() {
            return Err(syn::Error::new(
                Span::call_site(),
                "`select!` needs at least one `<pattern> = <async expression> => <handler>` branch",
            ));
        }
        Ok(SelectInput {
            krate,
            biased,
            branches,
            else_branch,
        })
    }
}

/// A copy of `pat` that tests the same values when matched against a
/// reference, but binds nothing by value: binding modes (`ref`, `mut`),
/// `x @` prefixes and `&` patterns are removed. Bindings that remain bind
/// references and are unused.
pub(crate) fn clean_pattern(pat: &Pat) -> Pat {
    let mut pat = pat.clone();
    clean_in_place(&mut pat);
    pat
}

fn clean_in_place(pat: &mut Pat) {
    match pat {
        Pat::Ident(ident) => {
            if let Some((_, sub)) = ident.subpat.take() {
                let mut sub = *sub;
                clean_in_place(&mut sub);
                *pat = sub;
            } else {
                ident.by_ref = None;
                ident.mutability = None;
            }
        }
        Pat::Reference(reference) => {
            let mut inner = (*reference.pat).clone();
            clean_in_place(&mut inner);
            *pat = inner;
        }
        Pat::Or(or) => or.cases.iter_mut().for_each(clean_in_place),
        Pat::Paren(paren) => clean_in_place(&mut paren.pat),
        Pat::Slice(slice) => slice.elems.iter_mut().for_each(clean_in_place),
        Pat::Tuple(tuple) => tuple.elems.iter_mut().for_each(clean_in_place),
        Pat::TupleStruct(ts) => ts.elems.iter_mut().for_each(clean_in_place),
        Pat::Struct(s) => {
            for field in s.fields.iter_mut() {
                clean_in_place(&mut field.pat);
            }
        }
        Pat::Type(ty) => clean_in_place(&mut ty.pat),
        // Literals, paths, ranges, `_`, `..`, macros and anything syn does not
        // model bind nothing, or are passed through unchanged.
        _ => {}
    }
}

/// Expands `select!`.
pub(crate) fn expand(input: TokenStream) -> TokenStream {
    match syn::parse2::<SelectInput>(input) {
        Ok(parsed) => expand_parsed(parsed),
        Err(err) => err.to_compile_error(),
    }
}

fn expand_parsed(input: SelectInput) -> TokenStream {
    let SelectInput {
        krate,
        biased,
        branches,
        else_branch,
    } = input;
    let support = quote!(#krate::macros::support);
    let n = branches.len();
    let n_u32 = n as u32;
    let mixed = Span::mixed_site();

    let out_enum = format_ident!("__RtSelectOutput", span = mixed);
    let variants: Vec<_> = (0..n)
        .map(|i| format_ident!("Branch{}", i, span = mixed))
        .collect();
    let generics: Vec<_> = (0..n)
        .map(|i| format_ident!("T{}", i, span = mixed))
        .collect();
    let futs: Vec<_> = (0..n)
        .map(|i| format_ident!("fut{}", i, span = mixed))
        .collect();
    let disabled: Vec<_> = (0..n)
        .map(|i| format_ident!("disabled{}", i, span = mixed))
        .collect();
    let cx = format_ident!("cx", span = mixed);
    let pending = format_ident!("pending", span = mixed);
    let start = format_ident!("start", span = mixed);
    let k = format_ident!("k", span = mixed);
    let value = format_ident!("value", span = mixed);
    let output = format_ident!("output", span = mixed);

    let preconditions = branches.iter().zip(&disabled).map(|(b, d)| match &b.cond {
        Some(cond) => quote!( let mut #d: bool = !(#cond); ),
        None => quote!( let mut #d: bool = false; ),
    });

    let futures = branches.iter().zip(&futs).map(|(b, f)| {
        let fut = &b.fut;
        quote! {
            let mut #f = #support::pin!(#support::IntoFuture::into_future(#fut));
        }
    });

    let arms = (0..n).map(|i| {
        let f = &futs[i];
        let d = &disabled[i];
        let variant = &variants[i];
        let cleaned = clean_pattern(&branches[i].pat);
        let check = if matches!(cleaned, Pat::Wild(_)) {
            quote!()
        } else {
            let cleaned = cleaned.to_token_stream();
            quote! {
                #[allow(unused_variables, unreachable_patterns, clippy::match_single_binding)]
                match &#value {
                    #cleaned => {}
                    _ => continue,
                }
            }
        };
        let index = i as u32;
        quote! {
            #index => {
                if #d {
                    continue;
                }
                let #value = match #support::Future::poll(#f.as_mut(), #cx) {
                    #support::Poll::Ready(#value) => #value,
                    #support::Poll::Pending => {
                        #pending = true;
                        continue;
                    }
                };
                #d = true;
                #check
                return #support::Poll::Ready(#out_enum::#variant(#value));
            }
        }
    });

    // The branch polled first: random unless `biased;` (or only one branch).
    let (pick_start, index) = if biased || n == 1 {
        (quote!(), quote!(#k))
    } else {
        (
            quote!( let #start: u32 = #support::thread_rng_n(#n_u32); ),
            quote!( (#start + #k) % #n_u32 ),
        )
    };

    let handler_arms = branches.iter().zip(&variants).map(|(b, variant)| {
        let pat = &b.pat;
        let handler = &b.handler;
        quote!( #out_enum::#variant(#pat) => #handler, )
    });

    let else_arm = match else_branch {
        Some(expr) => quote!( #out_enum::Disabled => #expr, ),
        None => quote! {
            #out_enum::Disabled => ::core::panic!(
                "all branches are disabled and there is no else branch"
            ),
        },
    };

    quote! {{
        #[allow(dead_code)]
        enum #out_enum<#(#generics),*> {
            #( #variants(#generics), )*
            Disabled,
        }
        #(#preconditions)*
        // `mut`: a handler pattern may bind by `ref mut`.
        #[allow(unused_mut)]
        let mut #output = {
            #(#futures)*
            #support::poll_fn(|#cx| {
                if #support::poll_budget_available(#cx).is_pending() {
                    return #support::Poll::Pending;
                }
                #pick_start
                let mut #pending = false;
                for #k in 0..#n_u32 {
                    match #index {
                        #(#arms)*
                        _ => {}
                    }
                }
                if #pending {
                    #support::Poll::Pending
                } else {
                    #support::Poll::Ready(#out_enum::Disabled)
                }
            }).await
        };
        match #output {
            #(#handler_arms)*
            #else_arm
            #[allow(unreachable_patterns)]
            _ => ::core::unreachable!("`select!`: a value that passed its pattern check failed to match it"),
        }
    }}
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;
    use syn::parse::Parser;

    fn cleaned(tokens: TokenStream) -> String {
        let pat = Pat::parse_multi_with_leading_vert
            .parse2(tokens)
            .expect("pattern parses");
        clean_pattern(&pat).to_token_stream().to_string()
    }

    #[test]
    fn clean_removes_binding_modes() {
        assert_eq!(cleaned(quote!(mut x)), "x");
        assert_eq!(cleaned(quote!(ref x)), "x");
        assert_eq!(cleaned(quote!(ref mut x)), "x");
        assert_eq!(cleaned(quote!(Some(mut v))), "Some (v)");
        assert_eq!(cleaned(quote!(whole @ Some(_))), "Some (_)");
        assert_eq!(cleaned(quote!(Some(&x))), "Some (x)");
        assert_eq!(cleaned(quote!((ref a, mut b))), "(a , b)");
        assert_eq!(
            cleaned(quote!(Point { x: ref mut px, mut y })),
            "Point { x : px , y }"
        );
        assert_eq!(cleaned(quote!(Ok(mut v) | Err(mut v))), "Ok (v) | Err (v)");
        assert_eq!(cleaned(quote!([first, ref rest @ ..])), "[first , ..]");
        assert_eq!(cleaned(quote!(_)), "_");
        assert_eq!(cleaned(quote!(None)), "None");
        assert_eq!(cleaned(quote!(1..=5)), "1 ..= 5");
    }

    fn parse(tokens: TokenStream) -> syn::Result<SelectInput> {
        syn::parse2(tokens)
    }

    #[test]
    fn parses_all_branch_forms() {
        let input = parse(quote! {
            (::rt) biased;
            v = a => v,
            Some(x) = b, if ready => { x }
            (p, q) = c => {}
            _ = d, if !done => if p { 1 } else { 2 }
            else => 0
        })
        .expect("parses");
        assert!(input.biased);
        assert_eq!(input.branches.len(), 4);
        assert!(input.branches[1].cond.is_some());
        assert!(input.branches[3].cond.is_some());
        assert!(input.else_branch.is_some());
        assert_eq!(input.krate.to_string(), ":: rt");
    }

    #[test]
    fn else_may_come_first_and_only_once() {
        let input = parse(quote!((::rt) else => 1, v = a => v)).expect("parses");
        assert_eq!(input.branches.len(), 1);
        let err = parse(quote!((::rt) v = a => v, else => 1, else => 2))
            .err()
            .expect("two else branches");
        assert!(err.to_string().contains("at most one `else`"));
    }

    #[test]
    fn errors() {
        let msg = |t: TokenStream| parse(t).err().expect("error").to_string();
        assert!(msg(quote!((::rt))).contains("at least one"));
        assert!(msg(quote!((::rt) else => 1)).contains("at least one"));
        assert!(msg(quote!((::rt) v => 1)).contains("expected `=`"));
        assert!(msg(quote!((::rt) v = a, w = b => 1)).contains("expected `=>`"));
        assert!(msg(quote!((::rt) v = a => v w = b => 2)).contains("expected `,`"));
    }

    #[test]
    fn biased_is_only_a_keyword_before_a_semicolon() {
        let input = parse(quote!((::rt) biased = a => 1)).expect("parses");
        assert!(!input.biased);
        assert_eq!(input.branches.len(), 1);
    }
}
