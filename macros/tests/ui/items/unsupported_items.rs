#[ffm::foreign]
trait Callback {
    fn call(&self);
}

#[ffm::foreign]
fn helper() {}

#[ffm::foreign]
static COUNTER: i32 = 0;

fn main() {}
