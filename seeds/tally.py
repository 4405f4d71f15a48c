"""What a seed run did: records created and records found already there, per kind."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from domain.auth.principal import Principal

# Every write goes through the services as this principal, so the audit log names the seed.
SEED = Principal.system("seed")


@dataclass
class Tally:
    created: Counter = field(default_factory=Counter)
    kept: Counter = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)

    def made(self, kind: str, n: int = 1) -> None:
        self.created[kind] += n

    def found(self, kind: str, n: int = 1) -> None:
        self.kept[kind] += n

    def note(self, message: str) -> None:
        self.notes.append(message)

    @property
    def total_created(self) -> int:
        return sum(self.created.values())

    def summary(self) -> str:
        kinds = list(dict.fromkeys([*self.created, *self.kept]))
        width = max((len(k) for k in kinds), default=0)
        lines = [f"  {k:<{width}}  created {self.created[k]:>4}  kept {self.kept[k]:>4}" for k in kinds]
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)
