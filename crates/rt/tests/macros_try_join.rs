//! Behaviour of `rt::try_join!`: all `Ok` values in order, the first `Err`
//! returned at once with the other branches dropped, fairness, `biased;`.
#![cfg(all(feature = "macros", feature = "rt"))]

use std::cell::{Cell, RefCell};
use std::future::{pending, ready, Future};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

/// Pending for `n` polls (waking itself each time), logging each poll as
/// `id`, then ready with `Ok(id)`.
struct Logged {
    id: usize,
    polls_left: usize,
    log: Rc<RefCell<Vec<usize>>>,
}

impl Future for Logged {
    type Output = Result<usize, String>;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.log.borrow_mut().push(self.id);
        if self.polls_left == 0 {
            Poll::Ready(Ok(self.id))
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

/// Sets its flag when dropped.
struct DropFlag(Rc<Cell<bool>>);

impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.set(true);
    }
}

#[rt::test]
async fn empty_and_single() {
    let r: Result<(), ()> = rt::try_join!();
    assert_eq!(r, Ok(()));
    let r = rt::try_join!(async { Ok::<_, ()>(1) },);
    assert_eq!(r, Ok((1,)));
    let r = rt::try_join!(biased; async { Err::<(), _>("e") });
    assert_eq!(r, Err("e"));
}

#[rt::test]
async fn all_ok_values_in_written_order() {
    let log = Rc::new(RefCell::new(Vec::new()));
    let r = rt::try_join!(logged(0, 3, &log), logged(1, 0, &log), logged(2, 1, &log));
    assert_eq!(r, Ok((0, 1, 2)));
}

#[rt::test]
async fn first_error_returns_while_others_are_pending() {
    let dropped = Rc::new(Cell::new(false));
    let guard = DropFlag(dropped.clone());
    let r = rt::try_join!(
        async {
            let _guard = guard;
            pending::<Result<u8, &str>>().await
        },
        ready(Err::<u8, &str>("failed")),
    );
    assert_eq!(r, Err("failed"));
    assert!(
        dropped.get(),
        "the pending branch is dropped once try_join! returns"
    );
}

#[rt::test]
async fn the_earliest_error_wins() {
    let log = Rc::new(RefCell::new(Vec::new()));
    let r = rt::try_join!(
        biased;
        logged(0, 5, &log),
        async { Err::<usize, String>("late".into()) },
        async { Err::<usize, String>("later".into()) },
    );
    assert_eq!(r, Err("late".to_string()));
    // Branch 0 was polled once; branch 2 never.
    assert_eq!(*log.borrow(), [0]);
}

#[rt::test]
async fn an_error_after_some_successes() {
    let log = Rc::new(RefCell::new(Vec::new()));
    let failing = async {
        // Ready on the third poll.
        for _ in 0..2 {
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
            .await;
        }
        Err::<usize, String>("third poll".into())
    };
    let r = rt::try_join!(logged(0, 0, &log), failing, logged(2, 10, &log));
    assert_eq!(r, Err("third poll".to_string()));
    // Branch 0 finished on the first poll and was not polled again; branch
    // 2 was polled on each of the three polls at most.
    let polls_of = |id| log.borrow().iter().filter(|&&x| x == id).count();
    assert_eq!(polls_of(0), 1);
    assert!(polls_of(2) <= 3);
}

#[rt::test]
async fn unbiased_try_join_rotates_the_first_branch() {
    let log = Rc::new(RefCell::new(Vec::new()));
    let r = rt::try_join!(logged(0, 2, &log), logged(1, 2, &log), logged(2, 2, &log));
    assert_eq!(r, Ok((0, 1, 2)));
    assert_eq!(*log.borrow(), [0, 1, 2, 1, 2, 0, 2, 0, 1]);
}

#[rt::test]
async fn biased_try_join_polls_in_written_order() {
    let log = Rc::new(RefCell::new(Vec::new()));
    let r = rt::try_join!(biased; logged(0, 1, &log), logged(1, 1, &log));
    assert_eq!(r, Ok((0, 1)));
    assert_eq!(*log.borrow(), [0, 1, 0, 1]);
}

async fn parse_both(a: &str, b: &str) -> Result<u32, std::num::ParseIntError> {
    let (x, y) = rt::try_join!(async { a.parse::<u32>() }, async { b.parse::<u32>() })?;
    Ok(x + y)
}

#[rt::test]
async fn question_mark_on_the_result() {
    assert_eq!(parse_both("1", "2").await, Ok(3));
    assert!(parse_both("1", "x").await.is_err());
}

macro_rules! try_join_many {
    ($($i:literal)*) => {
        rt::try_join!($(async { if $i == 66 { Err($i) } else { Ok::<u32, u32>($i) } }),*)
    };
}

#[rt::test]
async fn seventy_branches() {
    let r = try_join_many!(
        0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29
        30 31 32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47 48 49 50 51 52 53 54 55 56
        57 58 59 60 61 62 63 64 65 66 67 68 69
    );
    assert_eq!(r.map(|t| t.0), Err(66));
}

#[cfg(feature = "rt-multi-thread")]
#[rt::test(flavor = "multi_thread", worker_threads = 2)]
async fn try_join_in_a_spawned_task() {
    let handle = rt::spawn(async {
        rt::try_join!(async { Ok::<_, String>(1u8) }, async {
            Ok::<_, String>(2u8)
        })
    });
    assert_eq!(handle.await.unwrap(), Ok((1, 2)));
}
