"""Benchmarks, run with `make bench`. Each bench_*.py module here has a main() that runs
its measurements and writes JSON to bench/results/."""
