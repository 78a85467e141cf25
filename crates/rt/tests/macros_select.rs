//! Behaviour of `rt::select!`: branch choice, `biased;`, preconditions,
//! refutable patterns, `else`, handlers' control flow, hygiene and size.
#![cfg(all(feature = "macros", feature = "rt"))]

use std::cell::{Cell, RefCell};
use std::future::{pending, ready, Future, IntoFuture};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

/// Pending for `n` polls (waking itself each time), then ready with `value`.
struct ReadyAfter<T> {
    polls_left: usize,
    value: Option<T>,
    polled: Rc<Cell<usize>>,
}

impl<T: Unpin> Future for ReadyAfter<T> {
    type Output = T;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        self.polled.set(self.polled.get() + 1);
        if self.polls_left == 0 {
            Poll::Ready(self.value.take().expect("polled after completion"))
        } else {
            self.polls_left -= 1;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

fn ready_after<T>(polls: usize, value: T, polled: &Rc<Cell<usize>>) -> ReadyAfter<T> {
    ReadyAfter {
        polls_left: polls,
        value: Some(value),
        polled: polled.clone(),
    }
}

/// A future that panics when polled: proves a branch is never polled.
struct MustNotPoll;

impl Future for MustNotPoll {
    type Output = u32;
    fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<u32> {
        panic!("a disabled branch was polled");
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
async fn the_ready_branch_wins() {
    let v = rt::select! {
        _ = pending::<()>() => 0,
        v = ready(7) => v,
        _ = pending::<()>() => 0,
    };
    assert_eq!(v, 7);
}

#[rt::test]
async fn the_first_branch_to_complete_wins() {
    let polled = Rc::new(Cell::new(0));
    let v = rt::select! {
        v = ready_after(5, "slow", &polled) => v,
        v = ready_after(2, "fast", &polled) => v,
    };
    assert_eq!(v, "fast");
}

#[rt::test]
async fn biased_polls_top_to_bottom() {
    for _ in 0..50 {
        let order = RefCell::new(Vec::new());
        let v = rt::select! {
            biased;
            v = async { order.borrow_mut().push(0); 0 } => v,
            v = async { order.borrow_mut().push(1); 1 } => v,
            v = async { order.borrow_mut().push(2); 2 } => v,
        };
        assert_eq!(v, 0);
        assert_eq!(*order.borrow(), [0]);
    }
}

#[rt::test]
async fn biased_skips_pending_branches_in_order() {
    let order = RefCell::new(Vec::new());
    let v = rt::select! {
        biased;
        _ = async { order.borrow_mut().push(0); pending::<()>().await } => 0,
        v = async { order.borrow_mut().push(1); 1 } => v,
        v = async { order.borrow_mut().push(2); 2 } => v,
    };
    assert_eq!(v, 1);
    assert_eq!(*order.borrow(), [0, 1]);
}

#[rt::test]
async fn unbiased_start_is_random() {
    let mut wins = [0u32; 3];
    for _ in 0..300 {
        let v: usize = rt::select! {
            v = ready(0) => v,
            v = ready(1) => v,
            v = ready(2) => v,
        };
        wins[v] += 1;
    }
    // Each branch wins a third of the time on average; 300 draws that never
    // pick one of them happen with probability below 1e-50.
    assert!(wins.iter().all(|&w| w > 0), "{wins:?}");
}

#[rt::test]
async fn false_precondition_disables_the_branch() {
    let enabled = false;
    let v = rt::select! {
        v = MustNotPoll, if enabled => v,
        v = ready(2), if !enabled => v,
    };
    assert_eq!(v, 2);
}

#[rt::test]
async fn preconditions_run_before_the_async_expressions_which_all_run() {
    let log = RefCell::new(Vec::new());
    let step = |s: &'static str| {
        log.borrow_mut().push(s);
        true
    };
    let v = rt::select! {
        v = { step("fut0"); ready(0) }, if step("cond0") => v,
        v = { step("fut1"); MustNotPoll }, if !step("cond1") => v,
        v = { step("fut2"); pending::<u32>() } => v,
    };
    assert_eq!(v, 0);
    assert_eq!(*log.borrow(), ["cond0", "cond1", "fut0", "fut1", "fut2"]);
}

#[rt::test]
async fn a_pattern_that_does_not_match_disables_its_branch() {
    let polled = Rc::new(Cell::new(0));
    let mut handled = Vec::new();
    let v = rt::select! {
        Some(v) = ready(None::<u32>) => { handled.push("first"); v }
        Some(v) = ready_after(3, Some(9u32), &polled) => { handled.push("second"); v }
    };
    assert_eq!(v, 9);
    assert_eq!(handled, ["second"]);
    // The first branch completed once and was never polled again.
    assert_eq!(polled.get(), 4);
}

#[rt::test]
async fn else_runs_when_every_branch_is_disabled() {
    let v = rt::select! {
        Some(v) = ready(None::<u32>) => v,
        v = MustNotPoll, if false => v,
        else => 42,
    };
    assert_eq!(v, 42);

    // With all preconditions false, nothing is polled at all.
    let v = rt::select! {
        v = MustNotPoll, if false => v,
        else => 43,
    };
    assert_eq!(v, 43);
}

#[rt::test]
async fn else_can_come_first_and_with_biased() {
    let v = rt::select! {
        biased;
        else => 0,
        Err(e) = ready(Ok::<u32, u32>(1)) => e,
    };
    assert_eq!(v, 0);
}

#[rt::test]
#[should_panic(expected = "all branches are disabled and there is no else branch")]
async fn no_else_branch_panics() {
    let _: u32 = rt::select! {
        Some(v) = ready(None::<u32>) => v,
    };
}

#[rt::test]
async fn handlers_can_break_and_continue_loops() {
    let polled = Rc::new(Cell::new(0));
    let mut seen = Vec::new();
    let mut i = 0;
    'outer: loop {
        i += 1;
        if i > 10 {
            panic!("the loop should have been left by `break`");
        }
        rt::select! {
            v = ready_after(1, i, &polled) => {
                if v % 2 == 1 {
                    continue 'outer;
                }
                seen.push(v);
                if v >= 4 {
                    break;
                }
            }
        }
    }
    assert_eq!(seen, [2, 4]);
}

async fn with_question_mark(input: Result<u32, String>) -> Result<u32, String> {
    let v = rt::select! {
        v = ready(input) => v?,
        _ = pending::<()>() => unreachable!(),
    };
    Ok(v + 1)
}

async fn with_return(early: bool) -> &'static str {
    rt::select! {
        _ = ready(()), if early => return "returned",
        else => {}
    }
    "fell through"
}

#[rt::test]
async fn handlers_can_return_and_use_question_mark() {
    assert_eq!(with_question_mark(Ok(1)).await, Ok(2));
    assert_eq!(
        with_question_mark(Err("bad".into())).await,
        Err("bad".into())
    );
    assert_eq!(with_return(true).await, "returned");
    assert_eq!(with_return(false).await, "fell through");
}

async fn question_mark_in_future_expression(input: Result<u32, ()>) -> Result<u32, ()> {
    Ok(rt::select! {
        v = ready(input?) => v,
    })
}

#[rt::test]
async fn async_expressions_can_use_question_mark() {
    assert_eq!(question_mark_in_future_expression(Ok(3)).await, Ok(3));
    assert_eq!(question_mark_in_future_expression(Err(())).await, Err(()));
}

#[rt::test]
async fn futures_are_dropped_before_the_handler_runs() {
    let dropped = Rc::new(Cell::new(false));
    let guard = DropFlag(dropped.clone());
    let mut buffer = vec![1];
    let v = rt::select! {
        // This future holds both the guard and a borrow of `buffer`.
        v = async { let _guard = guard; pending::<usize>().await; buffer.len() } => v,
        v = ready(5) => {
            // The borrow has ended: the handler may mutate `buffer`.
            buffer.push(v);
            assert!(dropped.get(), "the losing future is dropped before the handler");
            v
        }
    };
    assert_eq!(v, 5);
    assert_eq!(buffer, [1, 5]);
}

#[derive(Debug, PartialEq)]
struct Point {
    x: i32,
    y: i32,
}

#[rt::test]
async fn patterns_with_binding_modes() {
    let v = rt::select! {
        mut v = ready(vec![1]) => { v.push(2); v }
    };
    assert_eq!(v, [1, 2]);

    let v = rt::select! {
        ref v = ready(String::from("by ref")) => v.clone(),
    };
    assert_eq!(v, "by ref");

    let v = rt::select! {
        Point { x, y: ref mut yy } = ready(Point { x: 1, y: 2 }) => { *yy += 1; x + *yy }
    };
    assert_eq!(v, 4);

    let n = 5;
    let v = rt::select! {
        Some(&m) = ready(Some(&n)) => m,
    };
    assert_eq!(v, 5);

    let v = rt::select! {
        whole @ (1..=3, _) = ready((2, 'c')) => whole,
    };
    assert_eq!(v, (2, 'c'));

    let v = rt::select! {
        Ok(v) | Err(v) = ready(Err::<u8, u8>(3)) => v,
    };
    assert_eq!(v, 3);

    let v = rt::select! {
        [first, .., last] = ready([1, 2, 3]) => first + last,
    };
    assert_eq!(v, 4);
}

#[rt::test]
async fn a_literal_pattern_selects_by_value() {
    let polled = Rc::new(Cell::new(0));
    let v = rt::select! {
        0 = ready(1) => "zero",
        1 = ready_after(1, 1, &polled) => "one",
    };
    assert_eq!(v, "one");
}

#[rt::test]
async fn pinned_futures_survive_loop_iterations() {
    let polled = Rc::new(Cell::new(0));
    let slow = ready_after(5, "slow", &polled);
    rt::pin!(slow);
    let mut ticks = 0;
    let mut done = false;
    for _ in 0..20 {
        rt::select! {
            biased;
            v = &mut slow, if !done => {
                assert_eq!(v, "slow");
                done = true;
            }
            _ = ready(()), if !done => ticks += 1,
            else => break,
        }
    }
    assert!(done);
    // `slow` kept its progress across the five `select!`s that the other
    // branch won, and was polled exactly once in each.
    assert_eq!(polled.get(), 6);
    assert_eq!(ticks, 5);
}

#[rt::test]
async fn nested_select() {
    let v = rt::select! {
        v = ready(1) => rt::select! {
            w = ready(v + 1) => rt::select! {
                x = ready(w * 10) => x,
            },
        },
    };
    assert_eq!(v, 20);
}

#[rt::test]
async fn generated_names_do_not_clash_with_user_names() {
    let output = 1;
    let value = 2;
    let cx = 3;
    let pending = 4;
    let fut0 = 5;
    let disabled0 = 6;
    let start = 7;
    let k = 8;
    let v = rt::select! {
        v = ready(output + value) => v + cx + pending + fut0 + disabled0 + start + k,
    };
    assert_eq!(v, 36);
}

struct Deferred(u32);

impl IntoFuture for Deferred {
    type Output = u32;
    type IntoFuture = std::future::Ready<u32>;
    fn into_future(self) -> Self::IntoFuture {
        ready(self.0 * 2)
    }
}

#[rt::test]
async fn into_future_values_are_accepted() {
    let v = rt::select! {
        v = Deferred(21) => v,
    };
    assert_eq!(v, 42);
}

macro_rules! select_among {
    ($winner:expr; $($i:literal)*) => {
        rt::select! {
            $(
                v = async {
                    if $i == $winner {
                        $i
                    } else {
                        pending::<u32>().await
                    }
                } => v,
            )*
        }
    };
}

#[rt::test]
async fn seventy_branches() {
    for winner in [0, 31, 63, 64, 69] {
        let v = select_among!(winner;
            0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29
            30 31 32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47 48 49 50 51 52 53 54 55 56
            57 58 59 60 61 62 63 64 65 66 67 68 69
        );
        assert_eq!(v, winner);
    }
}

#[rt::test]
async fn woken_from_another_thread() {
    let (tx, rx) = futures::channel::oneshot::channel::<u32>();
    let sender = std::thread::spawn(move || tx.send(11).unwrap());
    let v = rt::select! {
        Ok(v) = rx => v,
        _ = pending::<()>() => unreachable!(),
    };
    assert_eq!(v, 11);
    sender.join().unwrap();
}

fn assert_send<T: Send>(_: &T) {}

#[rt::test]
async fn select_of_send_futures_is_send() {
    let fut = async {
        rt::select! {
            v = async { 1u8 } => v,
            else => 0,
        }
    };
    assert_send(&fut);
    assert_eq!(fut.await, 1);
}

#[cfg(feature = "rt-multi-thread")]
#[rt::test(flavor = "multi_thread", worker_threads = 2)]
async fn select_inside_a_spawned_task() {
    let handle = rt::spawn(async {
        let (tx, rx) = futures::channel::oneshot::channel::<&'static str>();
        let sender = async move { tx.send("sent").unwrap() };
        let (_, received) = rt::join!(sender, async {
            rt::select! {
                Ok(v) = rx => v,
                else => "closed",
            }
        });
        received
    });
    assert_eq!(handle.await.unwrap(), "sent");
}

/// Polls `fut` to completion, counting the polls.
async fn count_polls<F: Future>(fut: F) -> (F::Output, usize) {
    let mut polls = 0;
    let mut fut = std::pin::pin!(fut);
    let out = std::future::poll_fn(|cx| {
        polls += 1;
        fut.as_mut().poll(cx)
    })
    .await;
    (out, polls)
}

#[rt::test]
async fn select_yields_once_the_coop_budget_is_spent() {
    // With budget left, an always-ready branch completes on the first poll.
    let (v, polls) = count_polls(async {
        rt::select! { v = ready(1) => v }
    })
    .await;
    assert_eq!((v, polls), (1, 1));

    // Spend the whole budget of this task poll (each `consume_budget` is
    // ready at once while budget remains, so this is one poll), then
    // select: it yields once and completes on the next poll.
    let (v, polls) = count_polls(async {
        for _ in 0..128 {
            rt::task::consume_budget().await;
        }
        rt::select! { v = ready(2) => v }
    })
    .await;
    assert_eq!(v, 2);
    assert_eq!(
        polls, 2,
        "select! should yield once when the budget is spent"
    );
}
