"""Demo data for development and benchmarks: reference data, and cases in bulk.

Only the `demo-data` command (`intake/cli/demo.py`) imports this package, and only when
demo data is asked for: the web application and every other command run without it
(tests/test_demo_isolation.py).
"""
