"""Benchmarks of the course's set-up and test machinery (`make bench`)."""
