"""Partner requests and expressions of interest: every write, its checks and notifications.

Permissions come from accounts.permissions only: a manager of an organisation publishes its
requests and answers interest in them; anyone acting for an organisation expresses interest
in its name. Every write keeps a version (accounts.history) and marks public pages stale
where they change; requests are in the search index while they are open.
"""

import datetime
from collections.abc import Collection, Iterable, Iterator

from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from clusterscape.accounts.history import record_version
from clusterscape.accounts.models import Membership, User, Version
from clusterscape.accounts.permissions import (
    AnyUser,
    can_act_for_organisation,
    can_manage_organisation,
    managed_organisations,
    member_organisations,
    require,
)
from clusterscape.core.cache import public_pages_changed
from clusterscape.core.mail import send_mails_later, site_link
from clusterscape.registry.models import Country, Field, Organisation
from clusterscape.search import queries as search_queries
from clusterscape.search import services as search_services
from clusterscape.search.models import SearchDocument

from .models import ExpressionOfInterest, InboxMessage, PartnerRequest


def today() -> datetime.date:
    return timezone.localdate()


def open_partner_requests() -> QuerySet[PartnerRequest]:
    """Requests that are open and not past their deadline (an expired request counts as
    closed even before `close_expired_requests` writes it)."""
    return PartnerRequest.objects.filter(
        status=PartnerRequest.Status.OPEN,
        deadline__gte=today(),
        organisation__status=Organisation.Status.PUBLISHED,
    ).select_related("organisation")


def open_requests_last_changed() -> datetime.datetime | None:
    """When the list of open requests last changed (for Last-Modified): the latest write to
    any request or organisation (closing one, unpublishing its organisation), and the start
    of the day after the latest deadline that has passed, when a request left the list
    without a write."""
    found = PartnerRequest.objects.aggregate(
        written=Max("updated_at"), expired=Max("deadline", filter=Q(deadline__lt=today()))
    )
    moments = [found["written"], Organisation.objects.aggregate(latest=Max("updated_at"))["latest"]]
    if found["expired"] is not None:
        moments.append(
            datetime.datetime.combine(
                found["expired"] + datetime.timedelta(days=1),
                datetime.time.min,
                timezone.get_current_timezone(),
            )
        )
    known = [moment for moment in moments if moment is not None]
    return max(known) if known else None


def filtered_open_requests(
    *, field: Field | None = None, country: Country | None = None, cooperation: str = ""
) -> QuerySet[PartnerRequest]:
    """Open requests in a field (or, for an area, any of its fields), looking for partners
    in a country, for a type of cooperation; nearest deadline first."""
    found = open_partner_requests()
    if field is not None:
        found = found.filter(
            pk__in=PartnerRequest.objects.filter(Q(fields=field) | Q(fields__parent=field)).values(
                "pk"
            )
        )
    if country is not None:
        found = found.filter(
            pk__in=PartnerRequest.objects.filter(target_countries=country).values("pk")
        )
    if cooperation:
        found = found.filter(cooperation=cooperation)
    return found.order_by("deadline", "pk")


# The most hits of a text search the list of requests reads (far more than are ever open).
MAX_TEXT_HITS = 1000


def request_ids_matching(text: str) -> list[int]:
    """Ids of the open requests the search index finds for the words, best first: the same
    engine (stemming, typos, both languages) as the site's search."""
    results = search_queries.search(
        search_queries.SearchParams(
            q=text,
            filters={"type": (SearchDocument.Kind.REQUEST,)},
            page_size=MAX_TEXT_HITS,
            with_facets=False,
        ),
        hint=False,
        max_page_size=MAX_TEXT_HITS,
    )
    return [hit.object_id for hit in results.hits]


def requests_managed_by(user: AnyUser) -> QuerySet[PartnerRequest]:
    """Every request (open or closed) of the organisations the user manages, newest first."""
    return (
        PartnerRequest.objects.filter(organisation__in=managed_organisations(user))
        .select_related("organisation")
        .order_by("-created_at", "-pk")
    )


def publish_partner_request(
    organisation: Organisation,
    *,
    by: AnyUser,
    title: str,
    seeks: str,
    offers: str,
    cooperation: str,
    deadline: datetime.date,
    language: str,
    fields: Iterable[str] = (),
    target_countries: Iterable[str] = (),
) -> PartnerRequest:
    """Publish a partner request of the organisation. Raises ValidationError naming each
    bad field: a past deadline, neither offers nor needs, unknown countries or fields."""
    require(can_manage_organisation(by, organisation))
    request = PartnerRequest(organisation=organisation)
    themes, countries = _checked(
        request,
        title=title,
        seeks=seeks,
        offers=offers,
        cooperation=cooperation,
        deadline=deadline,
        language=language,
        fields=fields,
        target_countries=target_countries,
    )
    with transaction.atomic():
        request.save()
        request.fields.set(themes)
        request.target_countries.set(countries)
        record_version(request, by=by, action=Version.Action.CREATE)
        index_partner_request(request)
        public_pages_changed()
    return request


def update_partner_request(
    request: PartnerRequest,
    *,
    by: AnyUser,
    title: str,
    seeks: str,
    offers: str,
    cooperation: str,
    deadline: datetime.date,
    language: str,
    fields: Iterable[str] = (),
    target_countries: Iterable[str] = (),
) -> PartnerRequest:
    """Change a request of the organisation with the same checks as publishing; a closed
    request cannot be changed (a moved deadline keeps an open one listed)."""
    require(can_manage_organisation(by, request.organisation))
    if request.status != PartnerRequest.Status.OPEN:
        raise ValidationError({"status": [_("This request is closed.")]})
    themes, countries = _checked(
        request,
        title=title,
        seeks=seeks,
        offers=offers,
        cooperation=cooperation,
        deadline=deadline,
        language=language,
        fields=fields,
        target_countries=target_countries,
    )
    with transaction.atomic():
        request.save()
        request.fields.set(themes)
        request.target_countries.set(countries)
        record_version(request, by=by, action=Version.Action.UPDATE)
        index_partner_request(request)
        public_pages_changed()
    return request


def close_partner_request(request: PartnerRequest, *, by: AnyUser) -> PartnerRequest:
    """The owner closes a request: it leaves the open list and the search index."""
    require(can_manage_organisation(by, request.organisation))
    if request.status == PartnerRequest.Status.CLOSED:
        return request
    with transaction.atomic():
        request.status = PartnerRequest.Status.CLOSED
        request.save(update_fields=["status", "updated_at"])
        record_version(request, by=by, action=Version.Action.UPDATE, comment="closed")
        search_services.unindex(SearchDocument.Kind.REQUEST, request.pk)
        public_pages_changed()
    return request


def _checked(
    request: PartnerRequest,
    *,
    title: str,
    seeks: str,
    offers: str,
    cooperation: str,
    deadline: datetime.date,
    language: str,
    fields: Iterable[str],
    target_countries: Iterable[str],
) -> tuple[list[Field], list[Country]]:
    """Set the values on the (unsaved) request and return its themes and countries, or
    raise ValidationError naming each bad field; nothing is written."""
    errors: dict[str, list[str]] = {}
    if deadline is not None and deadline < today():
        errors["deadline"] = [_("The deadline has passed.")]
    if not seeks.strip() and not offers.strip():
        message = _("Say what you seek or what you offer.")
        errors["seeks"] = [message]
        errors["offers"] = [message]
    codes = sorted({code.strip().upper() for code in target_countries if code.strip()})
    countries = list(Country.objects.filter(code__in=codes))
    unknown = sorted(set(codes) - {country.code for country in countries})
    if unknown:
        errors["target_countries"] = [
            _("Unknown country codes: %(codes)s.") % {"codes": ", ".join(unknown)}
        ]
    slugs = sorted(set(fields))
    themes = list(Field.objects.filter(slug__in=slugs))
    missing = sorted(set(slugs) - {field.slug for field in themes})
    if missing:
        errors["fields"] = [_("Unknown fields: %(slugs)s.") % {"slugs": ", ".join(missing)}]
    request.title = title.strip()
    request.seeks = seeks.strip()
    request.offers = offers.strip()
    request.cooperation = cooperation
    request.deadline = deadline
    request.language = language
    try:
        request.full_clean()
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        if request.pk is not None:
            request.refresh_from_db()
        raise ValidationError(errors)
    return themes, countries


def close_expired_requests() -> int:
    """Close open requests past their deadline (and take them out of the search index);
    returns how many were closed."""
    with transaction.atomic():
        expired = list(
            PartnerRequest.objects.select_for_update().filter(
                status=PartnerRequest.Status.OPEN, deadline__lt=today()
            )
        )
        for request in expired:
            request.status = PartnerRequest.Status.CLOSED
            request.save(update_fields=["status", "updated_at"])
            record_version(request, by=None, action=Version.Action.UPDATE, comment="expired")
            search_services.unindex(SearchDocument.Kind.REQUEST, request.pk)
        if expired:
            public_pages_changed()
    return len(expired)


def request_document(request: PartnerRequest) -> search_services.IndexedDocument:
    fields = list(request.fields.all())
    return search_services.IndexedDocument(
        kind=SearchDocument.Kind.REQUEST,
        object_id=request.pk,
        slug=str(request.pk),
        title=request.title,
        body="\n\n".join(text for text in (request.seeks, request.offers) if text),
        keywords="; ".join(
            [request.organisation.name, *[f"{f.name_de}; {f.name_en}" for f in fields]]
        ),
        facets=[
            ("language", request.language),
            ("country", request.organisation.country_id),
            *[("field", f.slug) for f in fields],
        ],
        date_end=request.deadline,
        updated_at=request.updated_at,
    )


def index_partner_request(request: PartnerRequest) -> None:
    """The request's search document while it is open, none otherwise."""
    if open_partner_requests().filter(pk=request.pk).exists():
        search_services.store_documents([request_document(request)])
    else:
        search_services.unindex(SearchDocument.Kind.REQUEST, request.pk)


def request_documents(
    ids: Collection[int] | None = None,
) -> Iterator[search_services.IndexedDocument]:
    """Every open request's document, for rebuilds of the search index (of those among
    ids, if given)."""
    requests = open_partner_requests().prefetch_related("fields").order_by("pk")
    if ids is not None:
        requests = requests.filter(pk__in=ids)
    for request in requests:
        yield request_document(request)


def _people(organisation: Organisation) -> list[User]:
    return [
        membership.user
        for membership in Membership.objects.filter(organisation=organisation).select_related(
            "user"
        )
        if membership.user.is_active
    ]


def _notify(users: Iterable[User], subject: str, body: str, link: str) -> None:
    """An inbox message and an e-mail (sent when the transaction commits) for each user."""
    for user in {user.pk: user for user in users}.values():
        InboxMessage.objects.create(user=user, subject=subject[:200], body=body, link=link)
        if user.email:
            send_mails_later(
                [EmailMessage(subject, f"{body}\n\n{site_link(link)}", to=[user.email])]
            )


def express_interest(
    request: PartnerRequest, organisation: Organisation, *, by: AnyUser, message: str
) -> ExpressionOfInterest:
    """Express the organisation's interest in a request; both sides are notified."""
    require(can_act_for_organisation(by, organisation))
    errors: dict[str, list[str]] = {}
    if not open_partner_requests().filter(pk=request.pk).exists():
        errors["request"] = [_("This request is closed.")]
    if organisation.pk == request.organisation_id:
        errors["organisation"] = [_("An organisation cannot answer its own request.")]
    elif ExpressionOfInterest.objects.filter(request=request, organisation=organisation).exists():
        errors["organisation"] = [_("This organisation has already expressed interest.")]
    if not message.strip():
        errors["message"] = [_("Write a message to the requesting organisation.")]
    if errors:
        raise ValidationError(errors)
    interest = ExpressionOfInterest(
        request=request,
        organisation=organisation,
        message=message.strip(),
        sent_by=by if by.is_authenticated else None,
    )
    interest.full_clean()
    with transaction.atomic():
        interest.save()
        record_version(interest, by=by, action=Version.Action.CREATE)
        subject = _("Interest in “%(title)s” from %(name)s") % {
            "title": request.title,
            "name": organisation.name,
        }
        _notify(
            [*_people(request.organisation), *_people(organisation)],
            subject,
            interest.message,
            request.organisation.get_absolute_url(),
        )
    return interest


def answer_interest(
    interest: ExpressionOfInterest, *, by: AnyUser, accept: bool
) -> ExpressionOfInterest:
    """The request's owner accepts or declines an expression of interest; both sides are
    notified."""
    require(can_manage_organisation(by, interest.request.organisation))
    if interest.status != ExpressionOfInterest.Status.PENDING:
        raise ValidationError({"status": [_("This expression of interest has been answered.")]})
    with transaction.atomic():
        interest.status = (
            ExpressionOfInterest.Status.ACCEPTED if accept else ExpressionOfInterest.Status.DECLINED
        )
        interest.answered_at = timezone.now()
        interest.save(update_fields=["status", "answered_at"])
        record_version(interest, by=by, action=Version.Action.UPDATE)
        subject = (
            _("%(name)s accepted your interest in “%(title)s”")
            if accept
            else _("%(name)s declined your interest in “%(title)s”")
        ) % {"name": interest.request.organisation.name, "title": interest.request.title}
        _notify(
            [*_people(interest.organisation), *_people(interest.request.organisation)],
            subject,
            interest.message,
            interest.request.organisation.get_absolute_url(),
        )
    return interest


def interests_visible_to(user: AnyUser, request: PartnerRequest) -> QuerySet:
    """The expressions of interest in a request the user may see: all of them for the
    request's managers, otherwise only those of organisations the user acts for."""
    interests = request.expressions_of_interest.select_related("organisation")
    if can_manage_organisation(user, request.organisation):
        return interests
    return interests.filter(organisation__in=member_organisations(user))


def fitting_requests(profile) -> QuerySet[PartnerRequest]:
    """Open requests of other organisations that fit a match profile: in its fields or
    areas, or looking for partners in its country."""
    fitting = Q(fields__slug__in=sorted(profile.fields | profile.areas)) | Q(
        fields__parent__slug__in=sorted(profile.areas)
    )
    if profile.country:
        fitting |= Q(target_countries__code=profile.country)
    found = open_partner_requests().filter(
        pk__in=PartnerRequest.objects.filter(fitting).values("pk")
    )
    if profile.organisation_id is not None:
        found = found.exclude(organisation_id=profile.organisation_id)
    return found


def requests_for(profile, *, limit: int = 5) -> list[PartnerRequest]:
    """Open requests of other organisations that fit a match profile (fitting_requests),
    nearest deadline first."""
    return list(fitting_requests(profile).order_by("deadline", "pk")[:limit])
