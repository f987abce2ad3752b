use std::io::Read;
fn main() {
    let mut s = String::new();
    std::fs::File::open(std::env::args().nth(1).unwrap())
        .unwrap()
        .read_to_string(&mut s)
        .unwrap();
    let t = std::time::Instant::now();
    let e = dondoc_extract::extract(&s);
    let t1 = t.elapsed();
    let j = dondoc_extract::to_json(&e, false);
    let t2 = t.elapsed();
    drop(e);
    drop(j);
    let t3 = t.elapsed();
    eprintln!(
        "extract {:?} json {:?} drop {:?} ({} bytes) {:.2} MB/s",
        t1,
        t2 - t1,
        t3 - t2,
        s.len(),
        s.len() as f64 / t2.as_secs_f64() / 1e6
    );
}
