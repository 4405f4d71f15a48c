"""The pairs: each report through the product's own service function, and the best hand-written
SQL for the same figures (one plain statement, run on the raw driver connection), with a
function that turns either answer into comparable figures.

The hand-written SQL follows the product's documented definitions (domain/reporting): cancelled
modules never count; enrolled = enrolled, completed or not completed; attended = enrolled with a
present or late mark at a session of the module; an agency row is the nominating unit's
top-level agency (the first id of its path); local dates in Asia/Baghdad (UTC+3, no DST)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

SEATED = "('enrolled', 'completed', 'not_completed')"
ATTENDED = "('present', 'late')"
STAGES = ("nominated", "enrolled", "attended", "completed")
BAGHDAD_OFFSET = "+3 hours"  # Asia/Baghdad has kept UTC+3 without daylight saving since 2008

# --- gender balance -------------------------------------------------------------------------


def _gb_facts(dialect: str) -> str:
    """One row per nomination in scope with its stage flags. Attended: SQLite probes the unique
    (session_id, officer_id) index per seated nomination; PostgreSQL runs one parallel hash semi
    join of the seated nominations against the present/late marks."""
    exists = (
        f"SELECT 1 FROM training_sessions s JOIN attendance_marks a ON a.session_id = s.id "
        f"WHERE s.module_id = {{n}}.module_id AND a.officer_id = {{n}}.officer_id AND a.status IN {ATTENDED}"
    )
    if dialect == "sqlite":
        attended, join = f"CASE WHEN n.status IN {SEATED} AND EXISTS ({exists.format(n='n')}) THEN 1 ELSE 0 END", ""
    else:
        attended = "CASE WHEN w.id IS NULL THEN 0 ELSE 1 END"
        join = (
            f"LEFT JOIN (SELECT n2.id FROM nominations n2 WHERE n2.status IN {SEATED} AND EXISTS "
            f"({exists.format(n='n2')})) w ON w.id = n.id"
        )
    facts_mode = "MATERIALIZED" if dialect == "sqlite" else "NOT MATERIALIZED"
    return f"""
WITH scope AS (SELECT (SELECT path FROM agencies WHERE id = :agency_id) AS prefix),
facts AS {facts_mode} (
  SELECT {{key}} AS key, n.officer_id AS who,
         CASE WHEN o.sex = 'female' THEN 1 ELSE 0 END AS f,
         CASE WHEN n.status IN {SEATED} THEN 1 ELSE 0 END AS enr,
         CASE WHEN n.status = 'completed' THEN 1 ELSE 0 END AS cpl,
         {attended} AS att,
         COALESCE(m.female_share_target, c.female_share_target) AS target, c.female_share_target AS ctarget
  FROM {{tables}} CROSS JOIN scope {join}
  WHERE o.id = n.officer_id AND m.id = n.module_id AND c.id = m.cycle_id AND ag.id = n.agency_id
    AND m.status <> 'cancelled' {{where}}
),
per AS MATERIALIZED (
  SELECT key, who, MAX(f) AS f, COUNT(*) AS nom, SUM(enr) AS enr, SUM(att) AS att, SUM(cpl) AS cpl,
         SUM(enr * target) AS et, SUM(target) AS t, MAX(target) AS mt, MAX(ctarget) AS ct
  FROM facts GROUP BY key, who
),
everyone AS (
  SELECT who, MAX(f) AS f, SUM(nom) AS nom, SUM(enr) AS enr, SUM(att) AS att, SUM(cpl) AS cpl,
         SUM(et) AS et, SUM(t) AS t, MAX(mt) AS mt, MAX(ct) AS ct
  FROM per GROUP BY who
)"""


def _gb_aggregates() -> str:
    cols = []
    for stage, n in zip(STAGES, ("nom", "enr", "att", "cpl")):
        has = "1" if stage == "nominated" else f"CASE WHEN {n} > 0 THEN 1 ELSE 0 END"
        cols += [f"SUM(f * {has})", f"SUM((1 - f) * {has})", f"SUM(f * {n})", f"SUM((1 - f) * {n})"]
    return ", ".join(cols) + ", COALESCE(SUM(et) / NULLIF(SUM(enr), 0), SUM(t) / SUM(nom)), MAX(mt), MAX(ct)"


GB_KEYS = {  # group key, then how a group's id and label are found
    "module": (
        "n.module_id",
        "LEFT JOIN modules x ON x.id = r.key",
        "CAST(x.id AS TEXT)",
        "x.code || ' — ' || x.title",
    ),
    "cycle": ("m.cycle_id", "LEFT JOIN cycles x ON x.id = r.key", "CAST(x.id AS TEXT)", "x.title"),
    "discipline": ("m.discipline", "LEFT JOIN disciplines x ON x.code = r.key", "r.key", "COALESCE(x.label_en, r.key)"),
    "agency": (
        "CASE WHEN length(ag.path) > length(COALESCE(scope.prefix, '/')) "
        "THEN substr(ag.path, 1, length(COALESCE(scope.prefix, '/')) + 37) ELSE ag.path END",
        "LEFT JOIN agencies x ON x.path = r.key",
        "CAST(x.id AS TEXT)",
        "x.name_en",
    ),
}


def gender_balance_sql(dialect: str, group_by: str, cycle: bool, agency: bool) -> str:
    key, join, key_id, label = GB_KEYS[group_by]
    # The subtree: on SQLite its units found once, so that the nominations come through their agency
    # index (1.2 s against 1.9 s at scale 1); on PostgreSQL compared on the joined unit, which leads
    # its planner to probe the marks per nomination rather than hash them all (faster there).
    subtree = (
        "n.agency_id IN (SELECT u.id FROM agencies u CROSS JOIN scope "
        "WHERE substr(u.path, 1, length(scope.prefix)) = scope.prefix)"
        if dialect == "sqlite"
        else "substr(ag.path, 1, length(scope.prefix)) = scope.prefix"
    )
    where = (" AND m.cycle_id = :cycle_id" if cycle else "") + (f" AND {subtree}" if agency else "")
    # CROSS JOIN fixes SQLite's join order (PostgreSQL reorders freely): the most selective first.
    order = ["m", "n", "o", "c", "ag"] if cycle else ["n", "o", "m", "c", "ag"]
    names = {"n": "nominations", "o": "officers", "m": "modules", "c": "cycles", "ag": "agencies"}
    tables = " CROSS JOIN ".join(f"{names[a]} {a}" for a in order)
    aggs = _gb_aggregates()
    return (
        _gb_facts(dialect).format(key=key, where=where, tables=tables)
        + f"""
SELECT {key_id}, {label}, r.* FROM (SELECT key, {aggs} FROM per GROUP BY key) r {join}
UNION ALL
SELECT NULL, 'Total', NULL, {aggs} FROM everyone"""
    )


def gb_from_hand(rows: list[tuple], group_by: str) -> dict:
    figures = {}
    for r in rows:
        counts, (wt, mt, ct) = tuple(int(v or 0) for v in r[3:19]), r[19:22]
        target = wt if r[0] is None else {"module": mt, "cycle": ct}.get(group_by, wt)
        figures[_key(r[0])] = (counts, None if target is None else round(float(target), 4))
    return figures


def gb_from_product(report) -> dict:
    figures = {}
    for row in [*report.rows, report.totals]:
        counts = []
        for stage in STAGES:
            c = getattr(row, stage)
            counts += [c.persons.female, c.persons.male, c.participations.female, c.participations.male]
        figures[_key(row.key)] = (tuple(counts), row.target)
    return figures


# --- cycle results --------------------------------------------------------------------------


def cycle_results_sql(dialect: str) -> str:
    """Each figure in its own branch over plain tables, so that both planners see real indexes
    and statistics; CROSS JOIN fixes SQLite's join order (PostgreSQL reorders it freely)."""
    day = (
        "CAST(timezone('Asia/Baghdad', s.starts_at) AS DATE)"
        if dialect == "postgresql"
        else f"date(s.starts_at, '{BAGHDAD_OFFSET}')"
    )
    female = "CASE WHEN o.sex = 'female' THEN 1 ELSE 0 END"
    # The cycle's marks summed per (module, officer) once, then joined to its nominations, on both
    # databases (on SQLite 1.9-2.5 s at scale 1, against 3.2-3.9 s for nested loops per figure).
    materialized = "NOT MATERIALIZED"
    ctes = f""",
mo AS MATERIALIZED (
  SELECT s.module_id, a.officer_id, COUNT(*) AS n, SUM(CASE WHEN a.status IN {ATTENDED} THEN 1 ELSE 0 END) AS att,
         SUM(CASE WHEN a.status = 'absent' AND a.reason = 'no_show' THEN 1 ELSE 0 END) AS ns,
         COUNT(DISTINCT CASE WHEN cm.done = 1 AND a.status IN {ATTENDED} THEN {day} END) AS pd
  FROM cm JOIN training_sessions s ON s.module_id = cm.id JOIN attendance_marks a ON a.session_id = s.id
  GROUP BY s.module_id, a.officer_id),
mn AS MATERIALIZED (
  SELECT n.agency_id, n.status, mo.n, mo.att, mo.ns, mo.pd
  FROM mo JOIN nominations n ON n.module_id = mo.module_id AND n.officer_id = mo.officer_id)"""
    person_days = f"(SELECT SUM(pd) FROM mn WHERE status IN {SEATED})"
    marks_by_agency = "SELECT agency_id, 0, 0, 0, SUM(n), SUM(att), SUM(ns) FROM mn GROUP BY agency_id"
    return f"""
WITH cm AS {materialized} (
  SELECT id, discipline, format, CASE WHEN status IN ('delivered', 'closed') THEN 1 ELSE 0 END AS done
  FROM modules WHERE cycle_id = :cycle_id AND status <> 'cancelled'){ctes}
SELECT 'people', CAST(NULL AS TEXT), SUM(f), SUM(1 - f), SUM(f * part), SUM((1 - f) * part),
       SUM(f * inc), SUM((1 - f) * inc), SUM(f * assessed), SUM((1 - f) * assessed)
FROM (SELECT n.officer_id, MAX({female}) AS f, COUNT(*) AS part,
             MAX(CASE WHEN t.post_test > t.pre_test THEN 1 ELSE 0 END) AS inc,
             MAX(CASE WHEN t.pre_test IS NOT NULL AND t.post_test IS NOT NULL THEN 1 ELSE 0 END) AS assessed
      FROM cm CROSS JOIN nominations n JOIN officers o ON o.id = n.officer_id
      LEFT JOIN assessments t ON t.module_id = n.module_id AND t.officer_id = n.officer_id
      WHERE n.module_id = cm.id AND n.status = 'completed' GROUP BY n.officer_id) per
UNION ALL
SELECT 'agency', CAST(x.id AS TEXT), SUM(f), SUM(1 - f), SUM(f * part), SUM((1 - f) * part), NULL, NULL, NULL, NULL
FROM (SELECT substr(ag.path, 1, 38) AS akey, n.officer_id, MAX({female}) AS f, COUNT(*) AS part
      FROM cm CROSS JOIN nominations n JOIN officers o ON o.id = n.officer_id JOIN agencies ag ON ag.id = n.agency_id
      WHERE n.module_id = cm.id AND n.status = 'completed' GROUP BY substr(ag.path, 1, 38), n.officer_id) ap
JOIN agencies x ON x.path = ap.akey GROUP BY x.id
UNION ALL
SELECT 'discipline', discipline, COUNT(*), NULL, NULL, NULL, NULL, NULL, NULL, NULL \
FROM cm WHERE done = 1 GROUP BY discipline
UNION ALL
SELECT 'format', format, COUNT(*), NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM cm WHERE done = 1 GROUP BY format
UNION ALL
SELECT 'days', NULL, COUNT(*), COUNT(DISTINCT day),
       {person_days}, NULL, NULL, NULL, NULL, NULL
FROM (SELECT DISTINCT s.module_id, {day} AS day FROM cm CROSS JOIN training_sessions s \
WHERE s.module_id = cm.id AND cm.done = 1) d
UNION ALL
SELECT 'scorecard', CAST(x.id AS TEXT), SUM(nom), SUM(enr), SUM(cpl), SUM(mk), SUM(att), SUM(ns), NULL, NULL
FROM (SELECT n.agency_id, COUNT(*) AS nom, SUM(CASE WHEN n.status IN {SEATED} THEN 1 ELSE 0 END) AS enr,
             SUM(CASE WHEN n.status = 'completed' THEN 1 ELSE 0 END) AS cpl, 0 AS mk, 0 AS att, 0 AS ns
      FROM cm CROSS JOIN nominations n WHERE n.module_id = cm.id GROUP BY n.agency_id
      UNION ALL
      {marks_by_agency}) u
JOIN agencies ag ON ag.id = u.agency_id JOIN agencies x ON x.path = substr(ag.path, 1, 38) GROUP BY x.id"""


def cr_from_hand(rows: list[tuple]) -> dict:
    out: dict[str, Any] = {"by_agency": {}, "by_discipline": {}, "by_format": {}, "scorecard": {}}
    for section, key, *v in rows:
        v = [None if x is None else int(x) for x in v]
        if section == "people":
            for i, name in enumerate(("individuals_trained", "participations", "knowledge_increased", "assessed")):
                out[name] = (v[2 * i], v[2 * i + 1])
        elif section == "agency":
            out["by_agency"][_key(key)] = tuple(v[:4])
        elif section in ("discipline", "format"):
            out[f"by_{section}"][key] = v[0]
        elif section == "days":
            out["days"] = tuple(v[:3])
        else:
            out["scorecard"][_key(key)] = tuple(v[:6])
    return out


def cr_from_product(r) -> dict:
    split = lambda s: (s.female, s.male)  # noqa: E731
    return {
        **{
            name: split(getattr(r, name))
            for name in ("individuals_trained", "participations", "knowledge_increased", "assessed")
        },
        "by_agency": {_key(a.agency_id): split(a.persons) + split(a.participations) for a in r.trained_by_agency},
        "by_discipline": {a.key: a.activities for a in r.activities.by_discipline},
        "by_format": {a.key: a.activities for a in r.activities.by_format},
        "days": (r.days.training_days, r.days.calendar_days, r.days.person_days),
        "scorecard": {
            _key(c.agency_id): (
                c.nominated,
                c.enrolled,
                c.completed,
                c.marks_recorded,
                c.attended_marks,
                c.no_show_marks,
            )
            for c in r.scorecard
        },
    }


# --- the pairs ------------------------------------------------------------------------------


def _key(value) -> str | None:
    """Ids come back as UUID objects (PostgreSQL), 32 hex digits (SQLite) or canonical text."""
    if value is None:
        return None
    if isinstance(value, uuid.UUID):
        return str(value)
    s = str(value)
    return str(uuid.UUID(s)) if re.fullmatch(r"[0-9a-fA-F]{32}|[0-9a-fA-F-]{36}", s) else s


@dataclass
class Pair:
    name: str
    product: Callable  # async (session, ctx) -> the product's answer
    sql: Callable[[str], str]  # dialect -> one SQL statement (named :parameters)
    params: Callable[[dict], dict]  # ctx -> parameters (ids as uuid.UUID)
    from_product: Callable[[Any], dict]
    from_hand: Callable[[list[tuple]], dict]


def _gender_pair(group_by: str, cycle: bool = False, agency: bool = False) -> Pair:
    async def product(session, ctx):
        from domain.reporting.gender_balance import gender_balance
        from domain.reporting.schemas import BalanceFilters

        filters = BalanceFilters(
            group_by=group_by,
            cycle_id=ctx["focus_cycle_id"] if cycle else None,
            agency_id=ctx["root_agency_id"] if agency else None,
        )
        return await gender_balance(session, principal=ctx["principal"], filters=filters)

    suffix = (" cycle=C" if cycle else "") + (" agency=A" if agency else "")
    return Pair(
        f"gender-balance by {group_by}{suffix}",
        product,
        lambda d: gender_balance_sql(d, group_by, cycle, agency),
        lambda ctx: {"cycle_id": ctx["focus_cycle_id"], "agency_id": ctx["root_agency_id"] if agency else None},
        gb_from_product,
        lambda rows: gb_from_hand(rows, group_by),
    )


async def _cycle_results(session, ctx):
    from domain.reporting.cycle_results import cycle_results

    return await cycle_results(session, principal=ctx["principal"], cycle_id=ctx["focus_cycle_id"])


PAIRS = [
    _gender_pair("cycle"),
    _gender_pair("module"),
    _gender_pair("agency"),
    _gender_pair("discipline"),
    _gender_pair("module", cycle=True),
    _gender_pair("agency", agency=True),
    Pair(
        "cycle results C",
        _cycle_results,
        cycle_results_sql,
        lambda ctx: {"cycle_id": ctx["focus_cycle_id"]},
        cr_from_product,
        cr_from_hand,
    ),
]


def bind(sql: str, params: dict, dialect: str) -> tuple[str, dict]:
    """Only the parameters the statement names; :name becomes %(name)s for psycopg; ids are
    32 hex digits on SQLite (how SQLAlchemy's Uuid type stores them there)."""
    names = set(re.findall(r"(?<!:):(\w+)", sql))
    if dialect == "sqlite":
        return sql, {k: v.hex if isinstance(v, uuid.UUID) else v for k, v in params.items() if k in names}
    return re.sub(r"(?<!:):(\w+)", r"%(\1)s", sql), {k: v for k, v in params.items() if k in names}
