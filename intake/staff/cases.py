"""Dashboard, case queue, the case page and its actions."""
