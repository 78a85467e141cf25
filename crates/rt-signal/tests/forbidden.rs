//! Signals that cannot be handled are refused with an `io::Error`, never a
//! panic, inside a runtime and without one.

mod support;

use std::io::ErrorKind;

use rt_signal::unix::{signal, signal_with_handle, SignalKind};

const FORBIDDEN: [libc::c_int; 6] = [
    libc::SIGKILL,
    libc::SIGSTOP,
    libc::SIGSEGV,
    libc::SIGBUS,
    libc::SIGILL,
    libc::SIGFPE,
];

fn check_all() {
    for signum in FORBIDDEN.into_iter().chain([0, -1, 100_000]) {
        let err = signal(SignalKind::from_raw(signum)).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "signal {signum}");
        assert!(err.to_string().contains(&signum.to_string()), "{err}");
        let err = signal_with_handle(SignalKind::from_raw(signum), &rt_reactor::Handle::global())
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "signal {signum}");
    }
}

#[test]
fn forbidden_signals_error_without_a_runtime() {
    check_all();
}

#[test]
fn forbidden_signals_error_inside_runtimes() {
    for (_, rt) in support::flavors() {
        rt.block_on(async { check_all() });
    }
    // Refusals leave the machinery usable.
    let rt = rt::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let mut sig = signal(SignalKind::user_defined1()).unwrap();
        support::raise(libc::SIGUSR1);
        assert_eq!(support::bounded("usr1", sig.recv()).await, Some(()));
    });
}
