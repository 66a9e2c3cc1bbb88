"""Brokerage outcomes into the internationalisation programme: where the two organisations
of a meeting are a funded cluster and its partner (a `funding.Partnership` with the other as
partner organisation), the meeting's outcome advances the partnership's stage through the
funding app's service.

The meeting's outcome is what both sides agree on: once each side has recorded one, the
lower of the two counts (one side's word alone does not change the programme's public
record). It only ever moves a stage forward, so recording again, or an outcome below the
stage reached, changes nothing. The stage's date is the meeting's day where the partnership
has no date for that stage yet (and no earlier stage is dated later).

| outcome | stage |
| --- | --- |
| no follow-up | — |
| follow-up agreed, joint project idea | contact |
| letter of intent | letter of intent |
| memorandum of understanding | memorandum of understanding |

A joint project idea is not yet a joint project (that stage is reached when a project
starts), so it counts as a contact.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from clusterscape.accounts.permissions import AnyUser
from clusterscape.funding import services as funding_services
from clusterscape.funding.models import Partnership

from .brokerage_models import Meeting, MeetingOutcome

Stage = Partnership.Stage
Kind = MeetingOutcome.Kind

OUTCOME_STAGES: dict[str, str | None] = {
    Kind.NONE: None,
    Kind.FOLLOW_UP: Stage.CONTACT,
    Kind.PROJECT_IDEA: Stage.CONTACT,
    Kind.LETTER_OF_INTENT: Stage.LETTER_OF_INTENT,
    Kind.MOU: Stage.MOU,
}
STAGES = list(Stage)


def _rank(stage: str | None) -> int:
    return STAGES.index(stage) if stage else -1


def agreed_stage(meeting: Meeting) -> str | None:
    """The stage both sides' outcomes reach (None until both have recorded one)."""
    kinds = list(meeting.outcomes.values_list("kind", flat=True))
    if len(kinds) < 2:
        return None
    stages = [OUTCOME_STAGES[kind] for kind in kinds]
    return min(stages, key=_rank)


def partnerships_of(meeting: Meeting):
    """The programme's partnerships between the meeting's two organisations (either way)."""
    a = meeting.request.sender.organisation_id
    b = meeting.request.recipient.organisation_id
    return Partnership.objects.filter(
        Q(grant__application__organisation_id=a, partner_organisation_id=b)
        | Q(grant__application__organisation_id=b, partner_organisation_id=a)
    ).select_related("grant__application__round", "grant__application__organisation")


def _date_for(partnership: Partnership, stage: str, day: datetime.date) -> datetime.date | None:
    if getattr(partnership, Partnership.STAGE_DATES[Stage(stage)]) is not None:
        return None
    earlier = [
        getattr(partnership, Partnership.STAGE_DATES[other])
        for other in STAGES[: STAGES.index(stage)]
    ]
    if any(known is not None and known > day for known in earlier):
        return None
    return day


def advance_partnerships(meeting: Meeting, *, by: AnyUser) -> list[Partnership]:
    """Move the meeting's partnerships forward to the agreed stage (inside the caller's
    transaction); returns those that moved. A refusal of the funding app's rules is raised
    as a ValidationError on `kind`, so nothing of the outcome is written either."""
    stage = agreed_stage(meeting)
    if stage is None:
        return []
    day = meeting.slot_start.astimezone(meeting.brokerage.zone).date()
    moved = []
    for partnership in partnerships_of(meeting).select_for_update(of=("self",)):
        if _rank(partnership.stage) >= _rank(stage):
            continue  # never backwards, and nothing to do twice
        try:
            funding_services.advance_partnership(
                partnership, stage=stage, on=_date_for(partnership, stage, day), by=by
            )
        except ValidationError as error:
            raise ValidationError(
                {
                    "kind": [
                        _(
                            "The outcome cannot advance the partnership in the funding "
                            "programme: %(reason)s"
                        )
                        % {"reason": " ".join(error.messages)}
                    ]
                }
            ) from error
        moved.append(partnership)
    return moved
