"""The reporting benchmark (issue 5, item 7) and the HTTP ceiling (issue 2, item 11): `python -m bench`."""
