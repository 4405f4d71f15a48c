"""The module lifecycle, above enrolment, vetting and attendance: a module's status change and its
consequences for the people on it (withdrawals, vetting cancelled, completion settled)."""
