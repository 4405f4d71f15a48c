import os

# Before any domain module is imported: argon2 at its cheapest cost for the suite's accounts
# (domain/auth/passwords.py says why); subprocesses the tests start inherit it.
os.environ.setdefault("TADRIB_TEST_PASSWORD_HASHING", "1")
