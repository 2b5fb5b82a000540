#!/usr/bin/env python3
"""FAISS flat and HNSW on the vectors VectorBench wrote; one thread, same recall@10 as Java.

Usage: bench/faiss_bench.py [dir=target/bench-vectors]
"""
import sys
import time

import faiss
import numpy as np

d = sys.argv[1] if len(sys.argv) > 1 else "target/bench-vectors"
n, dim, q = (int(x) for x in open(f"{d}/shape.txt").read().split())
data = np.fromfile(f"{d}/data.f32", dtype="<f4").reshape(n, dim)
queries = np.fromfile(f"{d}/queries.f32", dtype="<f4").reshape(q, dim)
truth = [set(int(x) for x in line.split()) for line in open(f"{d}/truth.txt")]
faiss.omp_set_num_threads(1)


def measure(name, index, build):
    for _ in range(2):  # warm-up, like the Java side
        for i in range(q):
            index.search(queries[i : i + 1], 10)
    found = 0
    t0 = time.perf_counter()
    for i in range(q):  # one query at a time, as Nyx asks
        _, ids = index.search(queries[i : i + 1], 10)
        found += len(truth[i] & set(int(x) for x in ids[0]))
    qps = q / (time.perf_counter() - t0)
    print(f"{name:28s} recall@10 {found / (10 * q):.3f}  {qps:8.0f} q/s  (build {build:.1f} s)")


t0 = time.perf_counter()
flat = faiss.IndexFlatIP(dim)
flat.add(data)
measure("faiss flat (exact)", flat, time.perf_counter() - t0)
t0 = time.perf_counter()
hnsw = faiss.IndexHNSWFlat(dim, 16, faiss.METRIC_INNER_PRODUCT)
hnsw.hnsw.efConstruction = 100
hnsw.add(data)
build = time.perf_counter() - t0
for ef in (16, 40, 100, 200):
    hnsw.hnsw.efSearch = ef
    measure(f"faiss hnsw M=16 ef={ef}", hnsw, build)
print(f"faiss {faiss.__version__}")
