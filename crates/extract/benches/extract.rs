//! Throughput of the reader over a megabyte and more of reports, and how its time grows with
//! the input (linear: ten times the text, about ten times the time).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

fn corpus(bytes: usize) -> String {
    let seed = include_str!("../tests/reports/seed.txt");
    let others: Vec<&str> = REPORTS.to_vec();
    let mut out = String::with_capacity(bytes + seed.len());
    let mut i = 0;
    while out.len() < bytes {
        out.push_str(if i % 4 == 0 {
            seed
        } else {
            others[i % others.len()]
        });
        out.push_str("\n\n");
        i += 1;
    }
    out
}

const REPORTS: &[&str] = &[
    include_str!("../tests/reports/01_thanh_hoa_tiep_xuc_cu_tri.txt"),
    include_str!("../tests/reports/02_hcm_giam_sat.txt"),
    include_str!("../tests/reports/03_nghe_an_kiem_tra.txt"),
];

fn throughput(c: &mut Criterion) {
    let mut group = c.benchmark_group("extract");
    group.sample_size(10);
    for size in [100_000usize, 1_000_000, 10_000_000] {
        let text = corpus(size);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(size), &text, |b, t| {
            b.iter(|| dondoc_extract::extract(t))
        });
    }
    group.finish();
}

/// Ten megabytes without a single full stop: one sentence the size of the input.
fn no_punctuation(c: &mut Criterion) {
    let mut group = c.benchmark_group("no_punctuation");
    group.sample_size(10);
    for size in [1_000_000usize, 10_000_000] {
        let unit =
            "xây mới nhà văn hóa khu sáu đường giao thông nông thôn Đảng ủy phường Hà Lầm 2020 ";
        let text = unit.repeat(size / unit.len() + 1);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(size), &text, |b, t| {
            b.iter(|| dondoc_extract::extract(t))
        });
    }
    group.finish();
}

criterion_group!(benches, throughput, no_punctuation);
criterion_main!(benches);
