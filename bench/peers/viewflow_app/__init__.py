"""The Django app that holds the approval flow for django-viewflow (viewflow stores a flow by
the app and module that define it, so the flow must live in an installed app)."""
