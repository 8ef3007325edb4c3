"""Benchmarks: quality against ground truth, and speed. Run as `python -m bench.<name>`;
they read data through a path argument and say so when it is missing."""
