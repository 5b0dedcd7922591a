"""Benchmarks, each side by side with its peer tool: run as scripts (`make bench-<topic>`)."""
