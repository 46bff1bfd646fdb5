// Rust functions differentiated from C (tests/test_frontends.py): `extern "C"`, f64
// scalars and slices passed as (pointer, length).

#[no_mangle]
pub extern "C" fn rpoly(x: f64) -> f64 {
    3.0 * x * x * x - 2.0 * x + 1.0
}

#[no_mangle]
pub extern "C" fn rsumsin(p: *const f64, n: usize) -> f64 {
    let s = unsafe { std::slice::from_raw_parts(p, n) };
    let mut acc = 0.0;
    for i in 0..s.len() {
        acc += s[i] * s[i].sin();
    }
    acc
}

#[no_mangle]
pub extern "C" fn rvec(p: *const f64, n: usize) -> f64 {
    let s = unsafe { std::slice::from_raw_parts(p, n) };
    let squares: Vec<f64> = s.iter().map(|x| x * x).collect();
    let mut acc = 0.0;
    for i in 0..n {
        acc += squares[i] * s[(i + 1) % n];
    }
    acc
}

#[no_mangle]
pub extern "C" fn riter(p: *const f64, n: usize) -> f64 {
    let s = unsafe { std::slice::from_raw_parts(p, n) };
    let c = 0.5;
    s.iter().map(|x| (c * x).exp()).zip(s.iter()).map(|(a, b)| a * b).sum()
}

#[no_mangle]
pub extern "C" fn rcap(p: *const f64, n: usize) -> f64 {
    let s = unsafe { std::slice::from_raw_parts(p, n) };
    let mut v: Vec<f64> = Vec::with_capacity(n);
    for i in 0..n {
        v.push(s[i] * s[i]);
    }
    let mut acc = 0.0;
    for i in 0..n {
        acc += v[i] * s[(i + 1) % n];
    }
    acc
}

// Vec::new and 2n pushes: the buffer grows (grow_one: __rust_alloc, then __rust_realloc)
#[no_mangle]
pub extern "C" fn rpush(p: *const f64, n: usize) -> f64 {
    let s = unsafe { std::slice::from_raw_parts(p, n) };
    let mut v: Vec<f64> = Vec::new();
    for i in 0..n {
        v.push(s[i].sin() * s[i]);
        v.push(s[i] * s[i]);
    }
    v.iter().sum()
}

// vec![0.0; n] of a runtime n (__rust_alloc_zeroed), filled by index
#[no_mangle]
pub extern "C" fn rzeros(p: *const f64, n: usize) -> f64 {
    let s = unsafe { std::slice::from_raw_parts(p, n) };
    let mut w = vec![0.0f64; n];
    for i in 0..n {
        w[i] = s[i] * s[i];
    }
    w.iter().map(|v| v.sin()).sum()
}
