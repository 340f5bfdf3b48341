"""Benchmarks (`make bench`). Each reports a ratio against a baseline run in the same process;
none is a timed assertion."""
