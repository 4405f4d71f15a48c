"""Which requests are pages: everything that is not the API's (its paths are listed here)."""

API_PREFIXES = ("/api/", "/scim/", "/docs", "/openapi.json", "/.well-known/", "/healthz", "/bench/")


def is_page(path: str) -> bool:
    return not path.startswith(API_PREFIXES)
