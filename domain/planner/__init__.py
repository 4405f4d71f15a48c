"""The cycle planner: a month or a week of a cycle's sessions in its time zone, weeks from Sunday,
with its working days, holidays, clashes and calendar warnings, filtered by discipline, venue,
trainer and agency."""
