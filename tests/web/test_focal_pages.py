"""The focal point's workspace through HTTP: open calls, nominating several officers at once under
the women's-share meter, my nominations with status and history, withdraw and substitute; another
agency's officer or nomination never shown, a guessed address like a missing page; both languages."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from domain.enrolment.models import Nomination, NominationStatus
from domain.enrolment.nominations import decide
from domain.enrolment.schemas import Decision
from domain.officers.schemas import OfficerCreate
from domain.officers.service import create_officer
from domain.vetting.schemas import VettingCreate
from domain.vetting.service import create_vetting
from tests.api.catalogue_data import ARRANGER
from tests.web.desk_data import nominate
from tests.web.focal_data import focal_world


async def _focal(person, world, **kw):
    return await person("focal_point", agency_id=world.a.id, **kw)


async def test_a_focal_point_lands_on_the_calls_and_others_get_the_missing_page(db, person):
    world = await focal_world(db)
    focal = await _focal(person, world)
    home = await focal.get("/")
    assert home.status_code == 303 and home.headers["location"] == "/focal"
    page = await focal.get("/focal")
    assert page.status_code == 200
    assert "M-00" in page.text and "VET" in page.text
    assert "Seats left for my agency" in page.text and "Courtesy vetting" in page.text
    # My agency's nominations (the enrolled man, the pending woman), never agency B's.
    assert f"Officer {world.m.officers.man_a}" not in page.text  # ids never leak as names
    assert "Accepted" in page.text and "Submitted, awaiting a decision" in page.text
    assert "-b-0" not in page.text and "-vet-0" not in page.text
    for role in ("coordinator", "trainer", "observer"):
        other = await person(role)
        assert (await other.get("/focal")).status_code == 404
        assert (await other.get(f"/focal/modules/{world.m.module.id}")).status_code == 404


async def test_the_call_shows_quota_seats_and_the_officers_of_my_agency_only(db, person):
    world = await focal_world(db)
    focal = await _focal(person, world)
    page = await focal.get(f"/focal/modules/{world.m.module.id}")
    assert page.status_code == 200
    text = page.text
    assert "Sub-unit of A" in text  # a sub-unit's officers are mine to nominate
    assert "Officer mine-0" in text and "Officer mine-1" in text
    assert "-b-0" not in text and "-b-1" not in text  # agency B's officers never listed
    assert text.count('name="officer"') >= 2 and "Already nominated" in text
    assert "<dd>3</dd>" in text and "<dd>1</dd>" in text and "<dd>2</dd>" in text  # quota 3, used 1, left 2


async def test_the_search_folds_arabic_spellings(db, person):
    world = await focal_world(db)
    await create_officer(
        db,
        principal=ARRANGER,
        data=OfficerCreate(agency_id=world.a.id, full_name_ar="أحمد جاسم", name_latin="Ahmad Jasim", sex="male"),
    )
    await db.flush()
    focal = await _focal(person, world)
    found = await focal.get(f"/focal/modules/{world.m.module.id}", params={"q": "احمد"})
    assert "Ahmad Jasim" in found.text and "Officer mine-0" not in found.text


async def test_nominating_two_at_once_ranked_moves_the_meter(db, person):
    world = await focal_world(db)
    focal = await _focal(person, world)
    module = world.m.module.id
    woman, man = (str(o) for o in world.mine)
    before = await focal.get(f"/focal/modules/{module}/meter", headers={"HX-Request": "true"})
    assert before.status_code == 200 and "<html" not in before.text
    assert "Women 1, men 1: 50" in before.text  # the enrolled man and the pending woman
    ticked = await focal.get(f"/focal/modules/{module}/meter", params={"officer": [woman]})
    assert "With the 1 ticked: 67" in ticked.text
    r = await focal.submit(
        f"/focal/modules/{module}/nominate",
        {"officer": [woman, man], f"priority-{woman}": "1", f"priority-{man}": "2", f"role-{man}": "alternate"},
    )
    assert r.status_code == 303, r.text
    made = {
        str(n.officer_id): n for n in await db.scalars(select(Nomination).where(Nomination.officer_id.in_(world.mine)))
    }
    assert made[woman].priority == 1 and made[man].role == "alternate" and made[man].priority == 2
    page = await focal.get(r.headers["location"])
    assert "2 officers were nominated." in page.text
    assert "Women 2, men 2: 50" in page.text


async def test_a_refusal_is_shown_next_to_the_officer_with_what_was_typed_and_nothing_nominated(db, person):
    world = await focal_world(db)
    focal = await _focal(person, world)
    module = world.m.module.id
    woman, man = (str(o) for o in world.mine)
    r = await focal.submit(f"/focal/modules/{module}/nominate", {"officer": [woman, man], f"priority-{woman}": "first"})
    assert r.status_code == 422
    assert 'id="e-priority-' + woman + '"' in r.text and "Enter a rank from 1 to 1000." in r.text
    assert 'value="first"' in r.text and f'value="{woman}" checked' in r.text
    already = str(world.m.officers.woman_a)
    r = await focal.submit(f"/focal/modules/{module}/nominate", {"officer": [man, already], f"priority-{man}": "1"})
    assert r.status_code == 422
    assert "already nominated" in r.text.lower() and "Nobody was nominated" in r.text
    assert (await db.scalar(select(Nomination).where(Nomination.officer_id.in_(world.mine)))) is None
    other = str(world.m.officers.man_b)  # agency B's officer, posted by hand
    r = await focal.submit(f"/focal/modules/{module}/nominate", {"officer": [other], f"priority-{other}": "1"})
    assert r.status_code == 422 and "You cannot nominate this officer." in r.text
    assert "-b-0" not in r.text


async def test_a_guessed_nomination_answers_like_a_missing_page(db, person):
    world = await focal_world(db)
    focal = await _focal(person, world)
    theirs, nobody = world.m.pending[1], uuid.uuid4()  # agency B's man; no nomination at all
    guessed = await focal.get(f"/focal/nominations/{theirs}")
    missing = await focal.get(f"/focal/nominations/{nobody}")
    assert guessed.status_code == missing.status_code == 404
    assert guessed.text.replace(str(theirs), "ID") == missing.text.replace(str(nobody), "ID")
    for path in ("withdraw", "substitute"):
        refused = await focal.submit(f"/focal/nominations/{theirs}/{path}", {"officer": str(world.mine[0])})
        absent = await focal.submit(f"/focal/nominations/{nobody}/{path}", {"officer": str(world.mine[0])})
        assert refused.status_code == absent.status_code == 404
        assert refused.text.replace(str(theirs), "ID") == absent.text.replace(str(nobody), "ID")
    for url in (f"/focal/modules/{nobody}", f"/focal/modules/{nobody}/meter"):
        assert (await focal.get(url)).status_code == 404
    assert (await focal.submit(f"/focal/modules/{nobody}/nominate", {"officer": str(world.mine[0])})).status_code == 404
    still = await db.get(Nomination, theirs)
    await db.refresh(still)
    assert still.status is NominationStatus.submitted


async def test_my_nomination_shows_its_history_and_can_be_withdrawn_or_substituted(db, person):
    world = await focal_world(db)
    focal = await _focal(person, world)
    enrolled = world.m.enrolled
    page = await focal.get(f"/focal/nominations/{enrolled}")
    assert page.status_code == 200 and "History" in page.text and "Accepted" in page.text
    assert "Officer mine-0" in page.text  # a candidate to substitute
    version = (await db.get(Nomination, enrolled)).version
    r = await focal.submit(
        f"/focal/nominations/{enrolled}/substitute",
        {"officer": str(world.mine[0]), "reason": "posted abroad", "version": str(version)},
    )
    assert r.status_code == 409, r.text  # the module's first session was yesterday: too late
    assert "before its first session starts" in r.text and 'value="posted abroad"' in r.text
    pending = world.m.pending[0]  # agency A's woman, awaiting a decision
    r = await focal.submit(f"/focal/nominations/{pending}/withdraw", {"reason": "on leave"})
    assert r.status_code == 303
    page = await focal.get(r.headers["location"])
    assert "The nomination was withdrawn." in page.text and "on leave" in page.text
    assert "Withdraw this nomination" not in page.text


async def test_the_workspace_in_arabic_right_to_left(db, person):
    world = await focal_world(db)
    focal = await _focal(person, world, language="ar")
    for url in ("/focal", f"/focal/modules/{world.m.module.id}", f"/focal/nominations/{world.m.enrolled}"):
        page = await focal.get(url)
        assert page.status_code == 200
        assert '<html lang="ar" dir="rtl">' in page.text
    home = await focal.get("/focal")
    assert "الدعوات والترشيحات" in home.text


async def test_officers_page_like_the_api(db, person):
    world = await focal_world(db, officers="fm" * 12)
    focal = await _focal(person, world)
    first = await focal.get(f"/focal/modules/{world.m.module.id}", params={"q": "mine"})
    assert first.text.count('class="card officer"') == 20 and "More officers" in first.text
    cursor = first.text.split("officers=")[1].split("#")[0]
    second = await focal.get(f"/focal/modules/{world.m.module.id}", params={"q": "mine", "officers": cursor})
    assert second.text.count('class="card officer"') == 4 and "More officers" not in second.text


async def test_each_status_reads_as_the_focal_point_needs_it(db, person):
    world = await focal_world(db, officers="fmf")
    woman, man, other = world.mine
    module = world.m.module.id
    queued = await nominate(db, module, woman, "waitlist")  # behind agency B's man: second in line
    promoted = await nominate(db, module, man, "waitlist")
    await decide(db, principal=ARRANGER, nomination_id=promoted, data=Decision(decision="accept"))
    declined = await nominate(db, module, other)
    reason = "Does not meet the analyst profile"
    await decide(db, principal=ARRANGER, nomination_id=declined, data=Decision(decision="reject", reason=reason))
    vetted = await nominate(db, world.vetted.id, man, "accept")
    await db.flush()
    focal = await _focal(person, world)
    page = (await focal.get("/focal")).text
    assert "On the waitlist, number 2 in line" in page
    assert "Promoted from the waitlist: enrolled" in page
    assert f"Reason: {reason}" in page
    assert "Vetting not requested yet" in page
    await create_vetting(
        db,
        principal=ARRANGER,
        officer_id=man,
        data=VettingCreate(type="courtesy", requested_on=world.today, needed_by=world.today, module_id=world.vetted.id),
    )
    await db.flush()
    one = (await focal.get(f"/focal/nominations/{vetted}")).text
    assert "Vetting pending" in one and "History" in one
    assert (await focal.get(f"/focal/nominations/{queued}")).status_code == 200


async def test_a_substitute_takes_the_seat_through_the_page(db, person):
    world = await focal_world(db, officers="fmf")
    woman, _, other = world.mine
    seat = await nominate(db, world.vetted.id, woman, "accept")  # its session is a month away
    await db.flush()
    focal = await _focal(person, world)
    page = await focal.get(f"/focal/nominations/{seat}")
    assert "Substitute another officer" in page.text and f'value="{other}"' in page.text
    version = (await db.get(Nomination, seat)).version
    r = await focal.submit(
        f"/focal/nominations/{seat}/substitute",
        {"officer": str(other), "reason": "posted abroad", "version": str(version)},
    )
    assert r.status_code == 303, r.text
    new = await focal.get(r.headers["location"])
    assert "The substitute now holds the nomination" in new.text and "Accepted" in new.text
    assert "Officer mine-2" in new.text
    old = await focal.get(f"/focal/nominations/{seat}")
    assert "Withdrawn" in old.text and "substituted by Officer mine-2: posted abroad" in old.text
    again = await focal.submit(f"/focal/nominations/{seat}/substitute", {"officer": str(woman)})
    assert again.status_code == 409 and "Only a nomination awaiting a decision" in again.text
    now = r.headers["location"].split("?")[0]
    stale = await focal.submit(f"{now}/substitute", {"officer": str(woman), "version": "99", "reason": "kept"})
    assert stale.status_code == 412 and "Someone changed this nomination" in stale.text
    assert 'id="e-substitute"' in stale.text and 'value="kept"' in stale.text
