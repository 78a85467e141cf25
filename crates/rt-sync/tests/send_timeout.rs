//! `Sender::send_timeout` (feature `time`), under `futures::executor`.
#![cfg(all(feature = "time", not(rt_loom)))]

use std::time::Duration;

use rt_sync::mpsc::{self, error::SendTimeoutError};

#[test]
fn send_timeout_times_out_when_full_and_succeeds_with_capacity() {
    let (tx, mut rx) = mpsc::channel(1);
    futures::executor::block_on(async {
        tx.send_timeout(1, Duration::from_millis(50)).await.unwrap();
        let err = tx
            .send_timeout(2, Duration::from_millis(20))
            .await
            .unwrap_err();
        assert_eq!(err, SendTimeoutError::Timeout(2));
        assert_eq!(err.to_string(), "timed out waiting on send operation");
        assert_eq!(rx.recv().await, Some(1));
        // Capacity is back; a generous timeout succeeds at once.
        tx.send_timeout(3, Duration::from_secs(30)).await.unwrap();
        assert_eq!(rx.recv().await, Some(3));
        drop(rx);
        let err = tx
            .send_timeout(4, Duration::from_secs(30))
            .await
            .unwrap_err();
        assert_eq!(err.into_inner(), 4);
    });
}
