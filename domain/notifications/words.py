"""Words of the plan that messages name (vetting types and states, certificate kinds), each in
the catalogue; a vetting outcome says its state, never its reason."""

from __future__ import annotations

from domain.i18n import N_, gettext

WORDS = {
    "leahy": N_("Leahy"),
    "courtesy": N_("courtesy"),
    "host_nation": N_("host-nation"),
    "approved": N_("approved"),
    "rejected": N_("rejected"),
    "suspended": N_("suspended"),
    "attendance": N_("certificate of attendance"),
    "competence": N_("certificate of competence"),
}


def word(tag: str, value: str | None) -> str:
    if value is None:
        return ""
    return gettext(tag, WORDS[value]) if value in WORDS else value
