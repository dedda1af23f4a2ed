#[ffm::foreign(link = "m")]
unsafe extern "C" {
    safe fn cos(x: f64) -> f64;
    fn frexp(x: f64, exp: *mut c_int) -> f64;
}
