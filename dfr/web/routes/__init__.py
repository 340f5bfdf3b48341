"""One module per area of the site; each is a FastAPI router of pages.

Pages (GET) are `async def` and run in the event loop: they only read, through indexes, and
rendering is CPU work that threads cannot share under the GIL, so a thread per request only
adds switching (measured: p95 of the review queue halved). Handlers that write (POST) are
plain `def` and run in the thread pool: they may wait on a row lock or on Prefect.
"""
