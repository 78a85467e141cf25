//! Behaviour of `rt::pin!`: both forms pin `!Unpin` futures on the stack.

use std::future::Future;
use std::marker::PhantomPinned;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

/// A `!Unpin` future that is ready at once.
struct NotUnpin {
    value: u32,
    _pinned: PhantomPinned,
}

impl Future for NotUnpin {
    type Output = u32;
    fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<u32> {
        Poll::Ready(self.value)
    }
}

fn not_unpin(value: u32) -> NotUnpin {
    NotUnpin {
        value,
        _pinned: PhantomPinned,
    }
}

fn poll_once<F: Future>(fut: Pin<&mut F>) -> Poll<F::Output> {
    fut.poll(&mut Context::from_waker(Waker::noop()))
}

#[test]
fn pins_named_variables() {
    let a = not_unpin(1);
    let b = not_unpin(2);
    rt::pin!(a, b);
    let a: Pin<&mut NotUnpin> = a;
    assert_eq!(poll_once(a), Poll::Ready(1));
    assert_eq!(poll_once(b.as_mut()), Poll::Ready(2));
    assert_eq!(poll_once(b), Poll::Ready(2));
}

#[test]
fn trailing_comma() {
    let a = not_unpin(3);
    rt::pin!(a,);
    assert_eq!(poll_once(a), Poll::Ready(3));
}

#[test]
fn declares_and_pins() {
    rt::pin! {
        let first = not_unpin(4);
        let second = async { 5 };
    }
    assert_eq!(poll_once(first.as_mut()), Poll::Ready(4));
    assert_eq!(poll_once(second), Poll::Ready(5));
}

#[test]
fn a_pinned_future_can_be_awaited_by_reference() {
    let outer = async {
        let inner = async { 6 };
        rt::pin!(inner);
        (&mut inner).await
    };
    rt::pin!(outer);
    assert_eq!(poll_once(outer), Poll::Ready(6));
}

#[test]
fn a_pinned_future_is_polled_across_calls() {
    let mut polls = 0;
    let counting = std::future::poll_fn(move |cx| {
        polls += 1;
        if polls < 3 {
            cx.waker().wake_by_ref();
            Poll::Pending
        } else {
            Poll::Ready(polls)
        }
    });
    rt::pin!(counting);
    assert_eq!(poll_once(counting.as_mut()), Poll::Pending);
    assert_eq!(poll_once(counting.as_mut()), Poll::Pending);
    assert_eq!(poll_once(counting.as_mut()), Poll::Ready(3));
}
