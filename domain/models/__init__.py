"""The tables, on their own floor: one module per area (domain/models/<area>.py), importing only the
kernel and each other, so that every area, and access above them, may read any of them without
two area folders importing each other."""
