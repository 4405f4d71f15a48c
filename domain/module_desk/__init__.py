"""The module page of the coordinator's desk: everything about one module a coordinator decides on,
read in a fixed number of statements whatever its sessions, nominations, roster or certificates
(service.py). Every change the page makes goes through the areas' own services."""

# Every model mapped before these services build their statements (they may be imported first:
# the pages are installed before the API's routes).
import domain.registry  # noqa: F401
