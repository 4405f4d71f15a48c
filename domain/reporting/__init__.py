"""Reports computed in the database: gender balance and cycle results for donors, with
suppression of small counts for observers and machine clients (domain rules 8, 13-17)."""
