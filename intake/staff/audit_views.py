"""The audit log, for auditors."""
