"""Need-to-know: which officers, nominations, rosters, plans and report rows a principal may see
or change, as query conditions and checks. Every personal-data query goes through here.

- need_to_know.py: who may see which person (officers, nominations, roster participants);
- teaching.py: the sessions and modules a trainer teaches (attendance, rosters, assessments);
- plans.py: which programmes a coordinator plans and decides for;
- reports.py: which figures a principal's reports cover, and whether small counts are withheld.
It reads only models (and the principal); every service, reference or workflow, asks it."""
