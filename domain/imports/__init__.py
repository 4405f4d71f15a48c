"""Bulk imports, planned then applied: officers from an HR file (CSV, XLSX, JSON rows) and a focal
point's list of nominees. Planning writes no officer; applying writes exactly the plan, in one
transaction, or nothing; undo restores what an import changed while nothing touched it since.

- parsing.py: the file into rows of text (line numbers as the user sees them);
- rules.py: pure planning rules (a row's values, its diff against the stored officer, the brake);
- officers.py / nominations.py: plan, apply and undo against the database;
- models.py: the import and its planned rows."""
