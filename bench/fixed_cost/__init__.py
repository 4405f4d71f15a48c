"""The app's fixed cost (issue 23): a bare FastAPI app beside Tadrib, in-process (asgi_probe) and
through HTTP (ceilings: both ceilings and the routes and pages in one alternating wrk run)."""
