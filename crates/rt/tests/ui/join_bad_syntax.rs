async fn f() {
    let _ = rt::join!(async { 1 } async { 2 });
}

fn main() {}
