"""Calendar feeds (RFC 5545) of training sessions, and the secret feed URLs that calendar
programs subscribe to without a bearer token."""
