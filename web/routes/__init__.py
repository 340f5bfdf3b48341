"""One module per area of the site; each is a FastAPI router of pages."""
