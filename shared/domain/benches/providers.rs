//! Parse + normalise each provider's largest fixture, against `serde_json::from_slice` into a
//! `Value` of the same bytes, in the same run. Throughput is per event, so the two lines of a
//! provider compare directly (`make bench` prints the ratios).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use afterclick_domain::providers::{self, Provider};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::{Path, PathBuf};

fn largest_fixture(provider: Provider) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/providers")
        .join(provider.as_str());
    std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .max_by_key(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0))
        .unwrap()
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("providers");
    for provider in Provider::ALL
        .into_iter()
        .filter(|p| *p != Provider::Generic)
    {
        let body = std::fs::read(largest_fixture(provider)).unwrap();
        let events = providers::parse(provider, &body).unwrap().events.len();
        group.throughput(Throughput::Elements(events as u64));
        group.bench_with_input(
            BenchmarkId::new("parse", provider.as_str()),
            &body,
            |b, body| b.iter(|| providers::parse(provider, black_box(body)).unwrap()),
        );
        group.bench_with_input(
            BenchmarkId::new("json_value", provider.as_str()),
            &body,
            |b, body| {
                b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(body)).unwrap())
            },
        );
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
