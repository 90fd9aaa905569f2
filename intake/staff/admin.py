"""Administration: people, departments, categories, settings, holidays."""
