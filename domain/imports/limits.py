"""What reading an import file may cost, and the two ways a file is refused: it cannot be read as
rows (ImportFileError: a 422), or reading it would pass a limit (FileTooLarge: a 413 naming the
setting). Plain values only: the limits travel to the parsing process as JSON."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from domain.settings import Settings


class ImportFileError(ValueError):
    """The file cannot be read as rows; the message says why."""


class FileTooLarge(ImportFileError):
    """Reading the file would pass a limit; `limit` names the setting (e.g. import_max_rows)."""

    def __init__(self, message: str, limit: str):
        super().__init__(message)
        self.limit = limit


@dataclass(frozen=True)
class ParseLimits:
    rows: int  # rows with data
    rows_read: int  # every row read, blank or not (the header too)
    columns: int  # cells in a row; a sheet's declared width
    cell_chars: int  # characters in a cell
    text_chars: int  # characters in all the cells read (an upload's size: what a CSV of them could hold)
    archive_members: int
    member_bytes: int  # one part of an archive, expanded
    archive_bytes: int  # all its parts, expanded
    compression_ratio: float  # expanded / stored, for parts large enough to matter
    seconds: float  # CPU time of the parse (reading.py adds a wall-clock backstop)
    memory_bytes: int  # address space of the parsing process
    concurrency: int  # files parsed at once by one server process

    # Each field's setting, for the problem that names it.
    SETTINGS: ClassVar[dict[str, str]] = {
        "rows": "import_max_rows",
        "rows_read": "import_max_rows_read",
        "columns": "import_max_columns",
        "cell_chars": "import_max_cell_chars",
        "text_chars": "max_import_bytes",
        "archive_members": "import_max_archive_members",
        "member_bytes": "import_max_member_bytes",
        "archive_bytes": "import_max_archive_bytes",
        "compression_ratio": "import_max_compression_ratio",
        "seconds": "import_parse_seconds",
        "memory_bytes": "import_parse_memory_bytes",
        "concurrency": "import_parse_concurrency",
    }

    @classmethod
    def of(cls, settings: Settings) -> ParseLimits:
        return cls(**{field: getattr(settings, name) for field, name in cls.SETTINGS.items()})

    @classmethod
    def default(cls) -> ParseLimits:
        from domain.settings import get_settings  # only where no limits were given: the parser needs no settings

        return cls.of(get_settings())

    def as_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def too_large(self, field: str, message: str) -> FileTooLarge:
        return FileTooLarge(message, self.SETTINGS[field])
