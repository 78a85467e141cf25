//! Loom models of the channels: mpsc (bounded, unbounded), oneshot,
//! broadcast, watch.
#![cfg(rt_loom)]

mod loom_support;

use loom::thread;
use loom_support::*;
use rt_sync::{broadcast, mpsc, oneshot, watch};

#[test]
fn mpsc_bounded_send_recv_close() {
    loom::model(|| {
        let (tx, mut rx) = mpsc::channel(1);
        let t = thread::spawn(move || {
            block_on(tx.send(1)).unwrap();
            block_on(tx.send(2)).unwrap();
        });
        assert_eq!(block_on(rx.recv()), Some(1));
        assert_eq!(block_on(rx.recv()), Some(2));
        assert_eq!(block_on(rx.recv()), None);
        t.join().unwrap();
    });
}

#[test]
fn mpsc_unbounded_two_senders() {
    loom::model(|| {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let tx2 = tx.clone();
        let a = thread::spawn(move || tx.send(1).unwrap());
        let b = thread::spawn(move || tx2.send(2).unwrap());
        let mut sum = 0;
        while let Some(v) = block_on(rx.recv()) {
            sum += v;
        }
        assert_eq!(sum, 3);
        a.join().unwrap();
        b.join().unwrap();
    });
}

#[test]
fn mpsc_close_with_outstanding_permit() {
    loom::model(|| {
        let (tx, mut rx) = mpsc::channel(2);
        let permit_holder = thread::spawn(move || {
            if let Ok(p) = tx.try_reserve() {
                p.send(7);
            }
        });
        rx.close();
        let mut got = Vec::new();
        while let Some(v) = block_on(rx.recv()) {
            got.push(v);
        }
        assert!(got.is_empty() || got == [7]);
        permit_holder.join().unwrap();
    });
}

#[test]
fn mpsc_bounded_capacity_handoff() {
    loom::model(|| {
        let (tx, mut rx) = mpsc::channel::<u8>(1);
        tx.try_send(0).unwrap();
        let t = thread::spawn(move || {
            // Waits for the capacity freed by the receive below.
            block_on(tx.send(1)).unwrap();
        });
        assert_eq!(rx.try_recv(), Ok(0));
        assert_eq!(block_on(rx.recv()), Some(1));
        t.join().unwrap();
    });
}

#[test]
fn oneshot_send_vs_recv() {
    loom::model(|| {
        let (tx, rx) = oneshot::channel();
        let t = thread::spawn(move || tx.send(1).unwrap());
        assert_eq!(block_on(rx), Ok(1));
        t.join().unwrap();
    });
}

#[test]
fn oneshot_drop_sender_vs_recv() {
    loom::model(|| {
        let (tx, rx) = oneshot::channel::<u8>();
        let t = thread::spawn(move || drop(tx));
        assert!(block_on(rx).is_err());
        t.join().unwrap();
    });
}

#[test]
fn oneshot_close_vs_send_never_loses_the_value() {
    loom::model(|| {
        let (tx, mut rx) = oneshot::channel();
        let t = thread::spawn(move || tx.send(5));
        rx.close();
        let received = rx.try_recv().ok();
        let sent = t.join().unwrap();
        // Exactly one side ends up with the value.
        match (sent, received) {
            (Ok(()), Some(5)) | (Err(5), None) => {}
            other => panic!("value lost or duplicated: {other:?}"),
        }
    });
}

#[test]
fn oneshot_closed_vs_receiver_drop() {
    loom::model(|| {
        let (mut tx, rx) = oneshot::channel::<u8>();
        let t = thread::spawn(move || drop(rx));
        block_on(tx.closed());
        assert!(tx.is_closed());
        t.join().unwrap();
    });
}

#[test]
fn broadcast_two_receivers() {
    loom::model(|| {
        let (tx, mut rx1) = broadcast::channel(2);
        let mut rx2 = tx.subscribe();
        let t = thread::spawn(move || {
            let mut got = Vec::new();
            while let Ok(v) = block_on(rx2.recv()) {
                got.push(v);
            }
            got
        });
        tx.send(1).unwrap();
        tx.send(2).unwrap();
        drop(tx);
        assert_eq!(block_on(rx1.recv()), Ok(1));
        assert_eq!(block_on(rx1.recv()), Ok(2));
        assert_eq!(t.join().unwrap(), [1, 2]);
    });
}

#[test]
fn broadcast_lag_is_consistent() {
    loom::model(|| {
        let (tx, mut rx) = broadcast::channel(1);
        let t = thread::spawn(move || {
            tx.send(1).unwrap();
            tx.send(2).unwrap();
        });
        let mut seen = Vec::new();
        loop {
            match block_on(rx.recv()) {
                Ok(v) => seen.push(v),
                Err(broadcast::error::RecvError::Lagged(n)) => {
                    assert_eq!(n, 1);
                    seen.push(0);
                }
                Err(broadcast::error::RecvError::Closed) => break,
            }
        }
        // Either both values, or a lag of one followed by the second.
        assert!(seen == [1, 2] || seen == [0, 2], "{seen:?}");
        t.join().unwrap();
    });
}

#[test]
fn watch_send_vs_changed() {
    loom::model(|| {
        let (tx, mut rx) = watch::channel(0);
        let t = thread::spawn(move || {
            tx.send(1).unwrap();
        });
        let mut last = 0;
        while block_on(rx.changed()).is_ok() {
            last = *rx.borrow_and_update();
        }
        assert_eq!(last, 1);
        assert_eq!(*rx.borrow(), 1);
        t.join().unwrap();
    });
}

// The block list (`mpsc/list.rs`) has 2-slot blocks under loom, so these
// cross block boundaries: appending a block races, `block_tail` advances,
// and the receiver frees (recycles) released blocks while senders still
// walk the list.

#[test]
fn mpsc_list_two_senders_cross_blocks() {
    loom::model(|| {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let tx2 = tx.clone();
        let a = thread::spawn(move || {
            tx.send(1).unwrap();
            tx.send(2).unwrap();
        });
        let b = thread::spawn(move || tx2.send(10).unwrap());
        // One receive races the senders; the rest is drained after.
        let first = block_on(rx.recv()).unwrap();
        a.join().unwrap();
        b.join().unwrap();
        let mut got = vec![first];
        while let Ok(v) = rx.try_recv() {
            got.push(v);
        }
        // Each sender's messages in order, all of them.
        let mine: Vec<_> = got.iter().copied().filter(|&v| v < 10).collect();
        assert_eq!(mine, [1, 2]);
        assert_eq!(got.len(), 3);
    });
}

#[test]
fn mpsc_list_try_recv_waits_for_busy_slot() {
    loom::model(|| {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let tx2 = tx.clone();
        let a = thread::spawn(move || tx.send(1).unwrap());
        let b = thread::spawn(move || tx2.send(2).unwrap());
        // Whatever `try_recv` sees, it never reports a message twice, and
        // the rest arrives through `recv`.
        let mut got = Vec::new();
        if let Ok(v) = rx.try_recv() {
            got.push(v);
        }
        while let Some(v) = block_on(rx.recv()) {
            got.push(v);
        }
        got.sort_unstable();
        assert_eq!(got, [1, 2]);
        a.join().unwrap();
        b.join().unwrap();
    });
}

#[test]
fn mpsc_list_receiver_recycles_blocks_while_sending() {
    loom::model(|| {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let t = thread::spawn(move || {
            for i in 0..4 {
                tx.send(i).unwrap();
            }
        });
        // Reading index 3 frees block 0 (released once the sender moved
        // past it) and appends it after the last block, racing the
        // sender's own append.
        for i in 0..4 {
            assert_eq!(rx.try_recv().ok().or_else(|| block_on(rx.recv())), Some(i));
        }
        assert_eq!(block_on(rx.recv()), None);
        t.join().unwrap();
    });
}

#[test]
fn mpsc_list_drop_with_unread_across_blocks() {
    loom::model(|| {
        let v = std::sync::Arc::new(());
        let (tx, mut rx) = mpsc::unbounded_channel();
        let tx2 = tx.clone();
        let (v1, v2) = (v.clone(), v.clone());
        let a = thread::spawn(move || {
            for _ in 0..2 {
                let _ = tx.send(v1.clone());
            }
        });
        let b = thread::spawn(move || {
            let _ = tx2.send(v2.clone());
        });
        let _ = rx.try_recv();
        drop(rx);
        a.join().unwrap();
        b.join().unwrap();
        // Every message was dropped (by the receiver or with the channel).
        assert_eq!(std::sync::Arc::strong_count(&v), 1);
    });
}
