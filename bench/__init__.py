"""Kawat benchmarks (`make bench`): throughput, revision cost, orchestration overhead, memory, idempotency."""
