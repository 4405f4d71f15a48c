"""Names of records and phrases that other messages take as parameters ("No {label} with id {id}.",
"{what} clashes with an existing record"), marked here so that the catalogue holds them; the message
renders them in the reader's language (a parameter that is `Translatable` is translated too)."""

from domain.i18n import N_

# domain.crud.label() of the tables a person meets in a message, and the entity names services
# give domain.crud.create_entity and update_entity ("The {label} clashes with an existing record").
RECORDS = (
    N_("client"),
    N_("agency"),
    N_("api client"),
    N_("assessment"),
    N_("attendance mark"),
    N_("calendar feed"),
    N_("certificate"),
    N_("cycle"),
    N_("discipline"),
    N_("import"),
    N_("message"),
    N_("module"),
    N_("module quota"),
    N_("nomination"),
    N_("officer"),
    N_("programme"),
    N_("session"),
    N_("trainer"),
    N_("training session"),
    N_("user"),
    N_("venue"),
    N_("vetting"),
    N_("webhook"),
    N_("webhook delivery"),
    N_("webhook subscription"),
)
# The subjects that services pass to domain.crud.flush_or_conflict and domain.access.reports.
SUBJECTS = (
    N_("A certificate"),
    N_("The attendance"),
    N_("The assessments"),
    N_("The discipline"),
    N_("This programme"),
    N_("This cycle's programme"),
)
# What domain.enrolment.tags.check_tag names: "The module's {what} changed since you read it".
TAGGED = (N_("quotas"), N_("waitlist"))
