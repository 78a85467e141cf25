//! Behaviour of `rt::join!`: outputs in order, concurrency on one task,
//! rotating fairness, `biased;`, early drop of completed futures, size.
#![cfg(all(feature = "macros", feature = "rt"))]

use std::cell::{Cell, RefCell};
use std::future::{ready, Future, IntoFuture};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

/// Pending for `n` polls (waking itself each time), logging each poll as
/// `id`, then ready with `id`.
struct Logged {
    id: usize,
    polls_left: usize,
    log: Rc<RefCell<Vec<usize>>>,
}

impl Future for Logged {
    type Output = usize;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<usize> {
        self.log.borrow_mut().push(self.id);
        if self.polls_left == 0 {
            Poll::Ready(self.id)
        } else {
            self.polls_left -= 1;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

fn logged(id: usize, polls: usize, log: &Rc<RefCell<Vec<usize>>>) -> Logged {
    Logged {
        id,
        polls_left: polls,
        log: log.clone(),
    }
}

/// One `Pending` (with a wake-up), then `Ready`.
async fn yield_once() {
    let mut yielded = false;
    std::future::poll_fn(|cx| {
        if yielded {
            Poll::Ready(())
        } else {
            yielded = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    })
    .await
}

#[rt::test]
async fn empty_and_single() {
    let () = rt::join!();
    let (a,) = rt::join!(async { 1 });
    assert_eq!(a, 1);
    let (a,) = rt::join!(async { 1 },);
    assert_eq!(a, 1);
    let (a,) = rt::join!(biased; async { 1 });
    assert_eq!(a, 1);
}

#[rt::test]
async fn outputs_follow_the_written_order() {
    let log = Rc::new(RefCell::new(Vec::new()));
    // Completion order is 2, 1, 0; the tuple is still in written order.
    let out = rt::join!(
        logged(0, 4, &log),
        logged(1, 2, &log),
        logged(2, 0, &log),
        ready("x"),
    );
    assert_eq!(out, (0, 1, 2, "x"));
}

#[rt::test]
async fn branches_run_concurrently_on_one_task() {
    let (tx, rx) = futures::channel::oneshot::channel::<u32>();
    let steps = RefCell::new(Vec::new());
    let (received, ()) = rt::join!(
        async {
            steps.borrow_mut().push("wait");
            rx.await.unwrap()
        },
        async {
            yield_once().await;
            steps.borrow_mut().push("send");
            tx.send(3).unwrap();
        },
    );
    assert_eq!(received, 3);
    assert_eq!(*steps.borrow(), ["wait", "send"]);
}

#[rt::test]
async fn unbiased_join_rotates_the_first_branch() {
    let log = Rc::new(RefCell::new(Vec::new()));
    rt::join!(logged(0, 2, &log), logged(1, 2, &log), logged(2, 2, &log));
    assert_eq!(*log.borrow(), [0, 1, 2, 1, 2, 0, 2, 0, 1]);
}

#[rt::test]
async fn biased_join_polls_in_written_order() {
    let log = Rc::new(RefCell::new(Vec::new()));
    rt::join!(biased; logged(0, 2, &log), logged(1, 2, &log), logged(2, 2, &log));
    assert_eq!(*log.borrow(), [0, 1, 2, 0, 1, 2, 0, 1, 2]);
}

#[rt::test]
async fn completed_branches_are_not_polled_again() {
    let log = Rc::new(RefCell::new(Vec::new()));
    rt::join!(biased; logged(0, 0, &log), logged(1, 3, &log));
    assert_eq!(*log.borrow(), [0, 1, 1, 1, 1]);
}

/// Ready at once, and sets its flag when dropped.
struct ReadyThenDropped(Rc<Cell<bool>>);

impl Future for ReadyThenDropped {
    type Output = ();
    fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
        Poll::Ready(())
    }
}

impl Drop for ReadyThenDropped {
    fn drop(&mut self) {
        self.0.set(true);
    }
}

#[rt::test]
async fn a_completed_future_is_dropped_before_the_join_ends() {
    let dropped = Rc::new(Cell::new(false));
    let seen_dropped = rt::join!(biased; ReadyThenDropped(dropped.clone()), async {
        yield_once().await;
        dropped.get()
    })
    .1;
    assert!(seen_dropped);
}

#[rt::test]
async fn results_are_not_short_circuited() {
    let (a, b) = rt::join!(async { Err::<u8, &str>("bad") }, async {
        yield_once().await;
        Ok::<u8, &str>(2)
    });
    assert_eq!(a, Err("bad"));
    assert_eq!(b, Ok(2));
}

struct Deferred(u32);

impl IntoFuture for Deferred {
    type Output = u32;
    type IntoFuture = std::future::Ready<u32>;
    fn into_future(self) -> Self::IntoFuture {
        ready(self.0 + 1)
    }
}

#[rt::test]
async fn into_future_values_are_accepted() {
    assert_eq!(rt::join!(Deferred(1), Deferred(2)), (2, 3));
}

#[rt::test]
async fn generated_names_do_not_clash_with_user_names() {
    let fut0 = 1;
    let out0 = 2;
    let cx = 3;
    let pending = 4;
    let next = 5;
    let (a, b) = rt::join!(async { fut0 + out0 }, async { cx + pending + next });
    assert_eq!((a, b), (3, 12));
}

macro_rules! join_many {
    ($($i:literal)*) => {
        rt::join!($(async { yield_once().await; $i }),*)
    };
}

#[rt::test]
async fn seventy_branches() {
    let out = join_many!(
        0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29
        30 31 32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47 48 49 50 51 52 53 54 55 56
        57 58 59 60 61 62 63 64 65 66 67 68 69
    );
    assert_eq!(out.0, 0);
    assert_eq!(out.35, 35);
    assert_eq!(out.69, 69);
}

fn assert_send<T: Send>(_: &T) {}

#[rt::test]
async fn join_of_send_futures_is_send() {
    let fut = async { rt::join!(async { 1u8 }, async { "two" }) };
    assert_send(&fut);
    assert_eq!(fut.await, (1, "two"));
}

#[cfg(feature = "rt-multi-thread")]
#[rt::test(flavor = "multi_thread", worker_threads = 2)]
async fn join_in_a_spawned_task() {
    let fut = async { rt::join!(async { 1u8 }, async { "two" }) };
    let joined = rt::spawn(fut).await.unwrap();
    assert_eq!(joined, (1, "two"));
}

#[rt::test]
async fn woken_from_another_thread() {
    let (tx1, rx1) = futures::channel::oneshot::channel::<u32>();
    let (tx2, rx2) = futures::channel::oneshot::channel::<u32>();
    let sender = std::thread::spawn(move || {
        tx2.send(2).unwrap();
        tx1.send(1).unwrap();
    });
    let (a, b) = rt::join!(rx1, rx2);
    assert_eq!((a.unwrap(), b.unwrap()), (1, 2));
    sender.join().unwrap();
}
