"""Stand-ins for outside services, used by tests and benchmarks."""
