"""Identity reveal screens: request, decide, view, revoke."""
