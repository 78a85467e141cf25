async fn missing_comma() -> u32 {
    rt::select! {
        v = async { 1 } => v
        w = async { 2 } => w,
    }
}

async fn missing_equals() -> u32 {
    rt::select! {
        v => v,
    }
}

async fn two_else() -> u32 {
    rt::select! {
        v = async { 1 } => v,
        else => 0,
        else => 1,
    }
}

fn main() {}
