"""What needs a coordinator's attention today, across the cycles they plan (an administrator: all):
the coordinator's home page and GET /api/v1/attention. Counted in SQL, a fixed number of statements
whatever the number of modules, sessions or people (service.py says which)."""

# Every model mapped before these services build their statements (they may be imported first:
# the pages are installed before the API's routes).
import domain.registry  # noqa: F401
