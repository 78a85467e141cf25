//! `Interest` and `Ready` set operations.

use rt_reactor::{Interest, Ready};

#[test]
fn interest_sets() {
    let rw = Interest::READABLE | Interest::WRITABLE;
    assert!(rw.is_readable() && rw.is_writable());
    assert!(!rw.is_priority() && !rw.is_error());
    let mut all = rw;
    all |= Interest::PRIORITY;
    all |= Interest::ERROR;
    assert!(all.is_priority() && all.is_error());
    assert_eq!(all.remove(Interest::ERROR | Interest::PRIORITY), Some(rw));
    assert_eq!(rw.remove(rw), None);
    // Removing what is not there changes nothing.
    assert_eq!(
        Interest::READABLE.remove(Interest::WRITABLE),
        Some(Interest::READABLE)
    );
    const BOTH: Interest = Interest::READABLE.add(Interest::WRITABLE);
    assert_eq!(BOTH, rw);
    assert_eq!(
        format!("{:?}", all),
        "READABLE | WRITABLE | PRIORITY | ERROR"
    );
    assert_eq!(format!("{:?}", Interest::ERROR), "ERROR");
}

#[test]
fn ready_sets() {
    assert!(Ready::EMPTY.is_empty());
    assert!(!Ready::ALL.is_empty());
    for (r, readable, writable) in [
        (Ready::READABLE, true, false),
        (Ready::READ_CLOSED, true, false),
        (Ready::WRITABLE, false, true),
        (Ready::WRITE_CLOSED, false, true),
        (Ready::PRIORITY, false, false),
        (Ready::ERROR, false, false),
    ] {
        assert_eq!(r.is_readable(), readable, "{r:?}");
        assert_eq!(r.is_writable(), writable, "{r:?}");
    }
    let r = Ready::READABLE | Ready::ERROR;
    assert!(r.is_error() && r.is_readable() && !r.is_read_closed());
    assert_eq!(r - Ready::ERROR, Ready::READABLE);
    assert_eq!(r & Ready::ERROR, Ready::ERROR);
    let mut m = Ready::EMPTY;
    m |= Ready::PRIORITY;
    assert!(m.is_priority());
    assert_eq!(
        Ready::ALL
            - Ready::READABLE
            - Ready::WRITABLE
            - Ready::READ_CLOSED
            - Ready::WRITE_CLOSED
            - Ready::PRIORITY
            - Ready::ERROR,
        Ready::EMPTY
    );
    assert!(format!("{:?}", Ready::READ_CLOSED).contains("is_read_closed: true"));
}
