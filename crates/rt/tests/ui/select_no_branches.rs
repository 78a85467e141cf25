async fn f() {
    rt::select! {}
}

async fn g() {
    rt::select! {
        else => {}
    }
}

fn main() {}
