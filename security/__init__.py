"""`make security`: the security scan (run as `python -m security.scan` from the project root)."""
