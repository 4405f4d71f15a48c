"""The results document built from the aggregated rows (one per group, never one per answer),
pure: figures are added up per question, version and audience; means come from the distributions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import RowMapping

from domain.models.surveys import QuestionKind, SurveyAudience, SurveyKind
from domain.survey_results.rules import APPLIES_KEY, APPLIES_YES, SCALES, mean, rate, score

SEXES = ("female", "male")
SPLIT = (*SEXES, "total")
CHOICE_KINDS = (QuestionKind.single_choice, QuestionKind.multiple_choice)


def zeros() -> dict[str, Any]:
    return {"female": 0, "male": 0, "total": 0, "suppressed": []}


def _add(split: dict[str, Any], sex: object, n: int) -> None:
    if sex is not None and str(sex) in SEXES:
        split[str(sex)] += n
    split["total"] += n


def is_applies(question: dict[str, Any], audience: SurveyAudience) -> bool:
    return (
        question["key"] == APPLIES_KEY
        and question["kind"] is QuestionKind.single_choice
        and audience is SurveyAudience.participants
    )


def _question(q: RowMapping, show_texts: bool) -> dict[str, Any]:
    kind = QuestionKind(q["kind"])
    scale = SCALES.get(kind)
    return {
        "key": q["key"],
        "kind": kind,
        "text_en": q["text_en"],
        "text_ar": q["text_ar"],
        "scale": scale,
        "answers": zeros(),
        "mean": None,
        "score": None,
        "distribution": [{"value": v, **zeros()} for v in range(1, scale + 1)] if scale else [],
        "by_agency": [],
        "choices": [
            {"key": c["key"], "label_en": c["label_en"], "label_ar": c["label_ar"], **zeros()}
            for c in (q["choices"] or [])
        ]
        if kind in CHOICE_KINDS
        else [],
        "texts": [] if show_texts and kind is QuestionKind.free_text else None,
    }


def _means(q: dict[str, Any]) -> None:
    scale = q["scale"]
    q["mean"] = {x: mean((d["value"], d[x]) for d in q["distribution"]) for x in SPLIT} | {"suppressed": []}
    q["score"] = {
        x: None if m is None else round((m - 1) / (scale - 1) * 100, 2) for x, m in q["mean"].items() if x in SPLIT
    } | {"suppressed": []}


def assemble(
    *,
    kind: SurveyKind,
    rates: Sequence[RowMapping],
    questions: Sequence[RowMapping],
    respondents: Sequence[RowMapping],
    ratings: Sequence[RowMapping],
    by_agency: Sequence[RowMapping],
    choices: Sequence[RowMapping],
    texts: Sequence[RowMapping] | None,
) -> dict[str, Any]:
    agencies = [
        {
            "agency_id": r["agency_id"],
            "label": r["label"],
            "invited": r["invited"],
            "answered": r["answered"],
            "rate": rate(r["answered"], r["invited"]),
            "suppressed": [],
        }
        for r in rates
    ]
    invited, answered = sum(a["invited"] for a in agencies), sum(a["answered"] for a in agencies)
    versions: dict[tuple[Any, Any], dict[str, Any]] = {}
    found: dict[tuple[Any, Any, Any], dict[str, Any]] = {}
    for q in questions:
        audience = SurveyAudience(q["audience"])
        v = versions.setdefault(
            (q["version_id"], audience),
            {
                "questionnaire_id": q["questionnaire_id"],
                "title_en": q["title_en"],
                "title_ar": q["title_ar"],
                "version_id": q["version_id"],
                "version": q["number"],
                "audience": audience,
                "surveys": q["surveys"],
                "respondents": zeros(),
                "questions": [],
            },
        )
        v["questions"].append(_question(q, texts is not None))
        found[(q["version_id"], audience, q["question_id"])] = v["questions"][-1]
    for r in respondents:
        if (group := versions.get((r["version_id"], SurveyAudience(r["audience"])))) is not None:
            _add(group["respondents"], r["sex"], r["n"])

    def question(r: RowMapping) -> dict[str, Any] | None:
        return found.get((r["version_id"], SurveyAudience(r["audience"]), r["question_id"]))

    for r in ratings:
        if (rated := question(r)) is not None and rated["scale"] and 1 <= r["rating"] <= rated["scale"]:
            _add(rated["distribution"][r["rating"] - 1], r["sex"], r["n"])
            _add(rated["answers"], r["sex"], r["n"])
    for r in by_agency:
        if (rated := question(r)) is not None and rated["scale"]:
            entry = {"agency_id": r["agency_id"], "label": r["label"], "answers": r["n"], "suppressed": []}
            rated["by_agency"].append(entry | {"mean": round(r["total"] / r["n"], 4)})
    for r in choices:
        if (chosen := question(r)) is None:
            continue
        _add(chosen["answers"], r["sex"], r["n"])  # free text: one row per answer; choices: per chosen key
        for c in chosen["choices"]:
            if c["key"] == r["choice"]:
                _add(c, r["sex"], r["n"])
    for r in texts or ():
        if (written := question(r)) is not None and written["texts"] is not None:
            written["texts"].append(r["text"])
    overall = {"answers": zeros(), "sums": dict.fromkeys(SPLIT, 0.0)}
    application: dict[str, Any] = {"applies": zeros(), "answered": zeros()}
    for (_, audience), group in versions.items():
        for item in group["questions"]:
            if item["scale"]:
                _means(item)
                for x in SPLIT:
                    overall["answers"][x] += item["answers"][x]
                    overall["sums"][x] += sum(score(d["value"], item["scale"]) * d[x] for d in item["distribution"])
            if is_applies(item, audience):
                for x in SPLIT:
                    application["answered"][x] += item["answers"][x]
                    application["applies"][x] += sum(c[x] for c in item["choices"] if c["key"] == APPLIES_YES)
    scores = {x: round(overall["sums"][x] / n, 2) if (n := overall["answers"][x]) else None for x in SPLIT}
    application["rate"] = {x: rate(application["applies"][x], application["answered"][x]) for x in SPLIT}
    application["rate"]["suppressed"] = []
    return {
        "response": {"invited": invited, "answered": answered, "rate": rate(answered, invited), "suppressed": []},
        "response_by_agency": agencies,
        "overall": {"answers": overall["answers"], "score": scores | {"suppressed": []}},
        "application": application if kind is SurveyKind.followup else None,
        "versions": list(versions.values()),
    }
