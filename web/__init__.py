"""Pages for people: a second client of the domain, beside api/ (README.md in this folder).

Server-rendered with Jinja2 and htmx (vendored), in the same process as the API: every page calls
the same domain services with the same principal, so need-to-know, audit, events and every rule
apply unchanged. `install(app)` adds the pages to the app that create_app builds."""

from web.app import install

__all__ = ["install"]
