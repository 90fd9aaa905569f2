"""`make bench`: the load benchmark (run as `python -m bench.run` from the project root)."""
