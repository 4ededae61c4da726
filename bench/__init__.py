"""Benchmarks behind the README's figures (`make bench`; results in build/bench/): understanding,
the blind set, latency and throughput against stock Rasa, floods, footprint, charts and the usage report."""
