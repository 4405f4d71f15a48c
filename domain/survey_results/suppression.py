"""Which cells of the survey results are withheld: the reports' rule (domain/reporting/suppression.py,
primary and complementary) over every count of answers, for every reader (answers are given on a
promise of anonymity), and over invited/answered counts for observers and machine clients only, as
in the other reports. A mean, a score or a rate is withheld with any count it rests on."""

from __future__ import annotations

from typing import Any

from domain.reporting import suppression as sdc
from domain.survey_results.assembly import SPLIT, is_applies

SUPPRESSION_RULE = (
    "Answers: counts from 1 to {t_1} are withheld (null) for every reader, with the means, scores and rates they "
    "rest on, and so is the smallest other count of any sum that would give a withheld one away (female + male = "
    "total; the ratings, choices and agencies add up to the answers). Invited and answered counts are withheld so "
    "for observers and machine clients only. Zeros are shown."
)

Path = tuple[Any, ...]


class _Cells:
    def __init__(self) -> None:
        self.paths: list[Path] = []
        self.equations: list[sdc.Equation] = []
        self.follows: list[tuple[Path, list[Path]]] = []  # (a derived figure, the counts it rests on)

    def split(self, base: Path) -> None:
        self.paths += [(*base, x) for x in SPLIT]
        self.equations.append(((*base, "total"), [(*base, "female"), (*base, "male")]))

    def adds_up(self, total: Path, parts: list[Path]) -> None:
        if parts:
            self.equations.append((total, parts))


def suppress(doc: dict[str, Any], threshold: int, *, response_counts: bool) -> None:
    cells = _Cells()
    if response_counts:
        agencies = [("response_by_agency", i) for i in range(len(doc["response_by_agency"]))]
        for at in [("response",), *agencies]:
            cells.paths += [(*at, "invited"), (*at, "answered")]
            cells.follows.append(((*at, "rate"), [(*at, "invited"), (*at, "answered")]))
        for measure in ("invited", "answered"):
            cells.adds_up(("response", measure), [(*a, measure) for a in agencies])
    cells.split(("overall", "answers"))
    cells.follows += [(("overall", "score", x), [("overall", "answers", x)]) for x in SPLIT]
    rated: list[Path] = []
    applies: list[Path] = []
    for v, version in enumerate(doc["versions"]):
        cells.split(("versions", v, "respondents"))
        for q, question in enumerate(version["questions"]):
            base: Path = ("versions", v, "questions", q)
            _question(cells, base, question)
            if question["scale"]:
                rated.append(base)
            if is_applies(question, version["audience"]):
                applies.append(base)
    for x in SPLIT:
        cells.adds_up(("overall", "answers", x), [(*b, "answers", x) for b in rated])
    if doc["application"] is not None:
        cells.split(("application", "applies"))
        cells.split(("application", "answered"))
        for x in SPLIT:
            cells.adds_up(("application", "answered", x), [(*b, "answers", x) for b in applies])
            cells.follows.append(
                (("application", "rate", x), [("application", "applies", x), ("application", "answered", x)])
            )
    withheld = sdc.suppress(sdc.counts_in(doc, cells.paths), cells.equations, threshold)
    sdc.withhold(doc, withheld)
    sdc.withhold(doc, [figure for figure, counts in cells.follows if any(c in withheld for c in counts)])


def _question(cells: _Cells, base: Path, question: dict[str, Any]) -> None:
    cells.split((*base, "answers"))
    if question["mean"] is not None:
        for x in SPLIT:
            cells.follows.append(((*base, "mean", x), [(*base, "answers", x)]))
            cells.follows.append(((*base, "score", x), [(*base, "answers", x)]))
    for part in ("distribution", "choices"):
        parts = [(*base, part, i) for i in range(len(question[part]))]
        for p in parts:
            cells.split(p)
        for x in SPLIT:
            cells.adds_up((*base, "answers", x), [(*p, x) for p in parts])
    agencies = [(*base, "by_agency", i) for i in range(len(question["by_agency"]))]
    cells.paths += [(*a, "answers") for a in agencies]
    cells.follows += [((*a, "mean"), [(*a, "answers")]) for a in agencies]
    cells.adds_up((*base, "answers", "total"), [(*a, "answers") for a in agencies])
