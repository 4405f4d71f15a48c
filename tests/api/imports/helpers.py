from __future__ import annotations

import csv
import io

HEADER = ["external_id", "full_name_ar", "name_latin", "sex", "agency_id", "rank"]


def csv_file(rows: list[list[str]], header: list[str] = HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


async def plan(client, content: bytes, *, filename: str = "officers.csv", media: str = "text/csv", **options) -> dict:
    r = await client.post(
        "/officers/imports", params={"source": "mission-hr"} | options, files={"file": (filename, content, media)}
    )
    assert r.status_code == 201, r.text
    return r.json()


def by_line(plan: dict) -> dict:
    return {row["line"]: row for row in plan["rows"]}
