"""Isolation proven on every URL: generated from the URL resolver, not listed by hand.

Every pattern of the web UI and the API (``get_resolver().url_patterns``, walked recursively)
is classified in ``CLASSES`` below. For each one that takes an object, the URL is filled with
Copenhagen's objects (organisation A) and requested by every role of Aarhus (organisation B)
with every method; the answer must be the one a made-up id gets (so nothing tells whether
the object exists), and that is a refusal: 404, or 403/405 before any lookup. Pages without
an object must not show A's sentinel text to B. A pattern nobody classified fails the test,
so a new URL cannot go untested.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterator

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from notifications.models import Notification

from agenda.models import AgendaItem
from innovations.models import Document, Innovation
from reminders.models import Checkpoint, CheckpointRule
from webhooks.models import WebhookDelivery, WebhookEndpoint

from .factories import DecisionFactory, FollowUpFactory, InnovationFactory

pytestmark = pytest.mark.django_db

SENTINEL = "SENTINEL-KØBENHAVN-7f3a"
MISSING = 2_000_000_000
METHODS = ("get", "post", "put", "patch", "delete")
REFUSALS = {403, 404, 405}

# Classes:
#   org      an object of one organisation, named by the URL (kwarg ``pk`` -> OBJECT below)
#   public   existence is public (every organisation, the catalogue's shared rows): reading
#            is allowed, the rest is refused; filled with A's rows all the same
#   own      the signed-in person's own pages and lists: no object in the URL; B must not
#            see A's sentinel
#   open     needs no object and holds no one's data (sign-in, schema, docs, language)
#   secret   the URL carries a secret (calendar feed, password reset): a wrong one is 404
#   admin    Django's admin (its scoping is tested in tests/test_admin.py); B's people
#            who are not staff are sent to the admin's sign-in
CLASSES: dict[str, tuple[str, str | None]] = {
    # --- web ---------------------------------------------------------------------------
    "home": ("own", None),
    "login": ("open", None),
    "logout": ("open", None),
    "password_reset": ("open", None),
    "password_reset_done": ("open", None),
    "password_reset_confirm": ("secret", None),
    "password_reset_complete": ("open", None),
    "switch_language": ("open", None),
    "accessibility_statement": ("open", None),
    "set_language": ("open", None),
    # single sign-on (sso/): the protocols' endpoints; no object, no one's data
    "saml2_login": ("open", None),
    "saml2_acs": ("open", None),
    "saml2_logout": ("open", None),
    "saml2_ls": ("open", None),
    "saml2_ls_post": ("open", None),
    "saml2_metadata": ("open", None),
    "oidc_authentication_init": ("open", None),
    "oidc_authentication_callback": ("open", None),
    "oidc_logout": ("open", None),
    "innovation_list": ("own", None),
    "innovation_create": ("own", None),
    "innovation_detail": ("org", "innovation"),
    "innovation_edit": ("org", "innovation"),
    "innovation_evaluation": ("org", "innovation"),
    "innovation_ask_for_decision": ("org", "innovation"),
    "innovation_transition": ("org", "innovation"),
    "innovation_committee": ("org", "innovation"),
    "innovation_mandate": ("org", "innovation"),
    "innovation_mandate_record": ("org", "innovation"),
    "innovation_mandate_follow_up": ("org", "innovation"),
    "innovation_involvement": ("org", "innovation"),
    "checkpoint_waive": ("org", "checkpoint"),
    "meeting_list": ("own", None),
    "meeting_detail": ("org", "meeting"),
    "agenda_import": ("own", None),
    "meeting_attendance": ("org", "meeting"),
    "meeting_draft": ("org", "meeting"),
    "record_correction": ("org", "decision"),
    "my_innovations": ("own", None),
    "my_follow_ups": ("own", None),
    "notifications": ("own", None),
    "notification_open": ("org", "notification"),
    "notifications_mark_all_read": ("own", None),
    "calendar": ("own", None),
    "preferences": ("own", None),
    "my_data": ("own", None),
    "api_tokens": ("own", None),
    "api_token_revoke": ("org", "token"),
    "person_data": ("org", "person"),
    "catalogue_list": ("own", None),
    "catalogue_entry": ("org", "innovation"),
    "catalogue_reuse": ("org", "innovation"),
    "innovation_sharing": ("org", "innovation"),
    "innovation_unshare": ("org", "innovation"),
    "innovation_reuse_naming": ("org", "innovation"),
    "innovation_documents": ("org", "innovation"),
    "innovation_status_report": ("org", "innovation"),
    "document_file": ("org", "document"),
    "barometer": ("own", None),
    "barometer_csv": ("own", None),
    "dashboard": ("own", None),
    "dashboard_rules": ("own", None),
    "dashboard_rule_edit": ("org", "rule"),
    "dashboard_portfolio_csv": ("own", None),
    "dashboard_decisions_csv": ("own", None),
    # the organisation's audit trail: each organisation sees only its own events
    "audit": ("own", None),
    "audit_csv": ("own", None),
    # the operator's figures for Prometheus (counts over all organisations, no one's text;
    # refused without the metrics token or an allowed address)
    "metrics": ("open", None),
    # politicians act (politics/): proposals, reuse requests, following, the committee's
    # report and briefing
    "proposal_list": ("own", None),
    "proposal_create": ("own", None),
    "reuse_request_create": ("org", "innovation"),
    "reuse_request_list": ("own", None),
    "reuse_request_detail": ("org", "reuse_request"),
    "follow_toggle": ("org", "innovation"),
    "my_follows": ("own", None),
    "committee_index": ("own", None),
    "committee_report": ("org", "committee"),
    "committee_report_csv": ("org", "committee"),
    "committee_briefing": ("org", "committee"),
    "reminders:calendar-feed": ("secret", None),
    # --- API -----------------------------------------------------------------------------
    "schema": ("open", None),
    "api-docs": ("open", None),
    "api:api-root": ("open", None),
    "api:not-found": ("open", None),
    "api:token": ("open", None),
    "api:portfolio": ("own", None),
    "api:workflow": ("open", None),
    "api:my-data": ("own", None),
    "api:api-token-list": ("own", None),
    "api:api-token-detail": ("org", "token"),
    "api:api-token-revoke": ("org", "token"),
    "api:person-data": ("org", "person"),
    "api:catalogue": ("own", None),
    "api:catalogue-entry": ("org", "innovation"),
    "api:mandate": ("org", "innovation"),
    "api:involvement": ("org", "innovation"),
    "api:catalogue-reuse": ("org", "innovation"),
    "api:share": ("org", "innovation"),
    "api:unshare": ("org", "innovation"),
    "api:reuse-naming": ("org", "innovation"),
    "api:documents": ("org", "innovation"),
    "api:status-reports": ("org", "innovation"),
    "api:evaluations": ("org", "innovation"),
    "api:document-file": ("org", "document"),
    "api:barometer": ("own", None),
    "api:barometer-csv": ("own", None),
    "api:organisation-list": ("own", None),
    "api:organisation-detail": ("public", "organisation"),
    "api:committee-list": ("own", None),
    "api:committee-detail": ("org", "committee"),
    "api:meeting-list": ("own", None),
    "api:meeting-detail": ("org", "meeting"),
    "api:meeting-attendance": ("org", "meeting"),
    "api:meeting-agenda": ("org", "meeting"),
    "api:agenda-item-disqualifications": ("org", "agenda_item"),
    # the meeting system's id: looked up in the caller's organisation only
    # (test_a_meeting_systems_id_is_looked_up_in_the_callers_organisation_only)
    "api:meeting-by-external-id": ("own", None),
    "api:innovation-list": ("own", None),
    "api:innovation-detail": ("org", "innovation"),
    "api:innovation-apply": ("org", "innovation"),
    "api:innovation-timeline": ("org", "innovation"),
    "api:innovation-transitions": ("org", "innovation"),
    "api:innovation-committee": ("org", "innovation"),
    "api:decision-list": ("own", None),
    "api:decision-detail": ("org", "decision"),
    "api:follow-up-list": ("own", None),
    "api:follow-up-detail": ("org", "follow_up"),
    "api:correction-list": ("own", None),
    "api:correction-detail": ("org", "correction"),
    "api:checkpoint-list": ("own", None),
    "api:checkpoint-detail": ("org", "checkpoint"),
    "api:checkpoint-complete": ("org", "checkpoint"),
    "api:checkpoint-waive": ("org", "checkpoint"),
    "api:notification-list": ("own", None),
    "api:notification-read-all": ("own", None),
    "api:notification-unread-count": ("own", None),
    "api:notification-read": ("org", "notification"),
    "api:webhook-delivery-list": ("own", None),
    "api:webhook-delivery-detail": ("org", "delivery"),
    "api:webhook-delivery-replay": ("org", "delivery"),
    "api:webhook-list": ("own", None),
    "api:webhook-detail": ("org", "webhook"),
    "api:proposals": ("own", None),
    "api:proposal": ("org", "proposal"),
    "api:reuse-requests": ("own", None),
    "api:reuse-request": ("org", "reuse_request"),
    "api:reuse-request-start": ("org", "reuse_request"),
    "api:reuse-request-examination": ("org", "reuse_request"),
    "api:reuse-request-withdraw": ("org", "reuse_request"),
    "api:follows": ("own", None),
    "api:follow": ("org", "innovation"),
    "api:committee-report": ("org", "committee"),
    "api:committee-report-csv": ("org", "committee"),
    "api:committee-briefing": ("org", "committee"),
}
# Django's admin is one application with its own scoping (OrganisationScopedAdmin).
NAMESPACE_CLASSES = {"admin": "admin"}
# Values for URL kwargs that are not objects.
PLAIN_KWARGS = {"name": "mandate", "kind": "decision", "format": "json"}


@dataclasses.dataclass(frozen=True)
class Pattern:
    key: str  # the URL name with its namespace, or the route when it has none
    namespace: str
    route: str
    pattern: URLPattern
    kwargs: tuple[str, ...]


def walk(patterns=None, prefix: str = "", namespace: str = "") -> Iterator[Pattern]:
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), inner)
            continue
        route = prefix + str(entry.pattern)
        key = f"{namespace}{entry.name}" if entry.name else route
        kwargs = tuple(sorted(_kwargs_of(entry)))
        yield Pattern(key, namespace.rstrip(":"), route, entry, kwargs)


def _kwargs_of(entry: URLPattern) -> set[str]:
    return set(entry.pattern.regex.groupindex)


def _classify(pattern: Pattern) -> tuple[str, str | None] | None:
    top = pattern.namespace.split(":")[0]
    if top in NAMESPACE_CLASSES:
        return NAMESPACE_CLASSES[top], None
    if pattern.key == "api/v1/^.*$":
        return CLASSES["api:not-found"]
    return CLASSES.get(pattern.key)


def _url(pattern: Pattern, pk: int | None) -> str:
    """The pattern's path with its kwargs filled (by the resolver's own regex, reversed)."""
    from django.urls import reverse

    kwargs = {name: PLAIN_KWARGS.get(name, pk) for name in pattern.kwargs}
    return reverse(pattern.key, kwargs=kwargs)


@pytest.fixture
def objects_of_a(copenhagen) -> dict[str, object]:
    """Copenhagen's objects, one of each kind a URL can name, with a sentinel in the text."""
    innovation = InnovationFactory(
        committee=copenhagen.committee, title=SENTINEL, owner=copenhagen.official
    )
    decision = DecisionFactory(
        innovation=innovation, meeting=copenhagen.meeting, recorded_by=copenhagen.secretary
    )
    follow_up = FollowUpFactory(
        innovation=innovation, meeting=copenhagen.meeting, recorded_by=copenhagen.secretary
    )
    from decisions.services import record_correction

    correction = record_correction(
        actor=copenhagen.secretary,
        decision=decision,
        reason=SENTINEL,
        corrected_values={"agenda_item": SENTINEL},
    )
    checkpoint = Checkpoint.objects.create(
        innovation=innovation,
        kind="follow_up",
        title=SENTINEL,
        due_date=timezone.localdate() + datetime.timedelta(days=10),
        committee=copenhagen.committee,
        source="manual",
        state=innovation.state,
    )
    notification = Notification.objects.create(
        recipient=copenhagen.politician,
        actor_content_type=ContentType.objects.get_for_model(Innovation),
        actor_object_id=str(innovation.pk),
        verb=SENTINEL,
    )
    document = Document.objects.create(
        innovation=innovation,
        title=SENTINEL,
        kind="documentation",
        link="https://esdh.example.dk/sag/1",
        uploaded_by=copenhagen.official,
        uploaded_at=timezone.now(),
    )
    webhook = WebhookEndpoint.objects.create(
        organisation=copenhagen.organisation,
        url="https://esdh.example.dk/hook",
        description=SENTINEL,
        events=["decision.recorded"],
    )
    delivery = WebhookDelivery.objects.create(
        endpoint=webhook, event_type="decision.recorded", payload={"title": SENTINEL}
    )
    from access.services import create_token

    token, _key = create_token(actor=copenhagen.official, name=SENTINEL)
    rule = CheckpointRule.objects.create(
        organisation=copenhagen.organisation,
        state="need",
        kind="documentation",
        due_after_days=30,
    )
    agenda_item = AgendaItem.objects.create(
        meeting=copenhagen.meeting, number="1", title=SENTINEL, case_number=SENTINEL[:30]
    )
    from politics.models import ReuseRequest
    from politics.services import raise_member_proposal
    from reminders.following import follow_innovation

    proposal = raise_member_proposal(
        actor=copenhagen.politician,
        committee=copenhagen.committee,
        title=SENTINEL,
        need=SENTINEL,
        proposal=SENTINEL,
    )
    reuse_request = ReuseRequest.objects.create(
        origin=innovation,
        organisation=copenhagen.organisation,
        committee=copenhagen.committee,
        requested_by=copenhagen.politician,
        reason=SENTINEL,
        requested_at=timezone.now(),
        updated_at=timezone.now(),
    )
    follow_innovation(actor=copenhagen.politician, innovation=innovation)
    return {
        "agenda_item": agenda_item,
        "proposal": proposal,
        "reuse_request": reuse_request,
        "innovation": innovation,
        "decision": decision,
        "follow_up": follow_up,
        "correction": correction,
        "checkpoint": checkpoint,
        "notification": notification,
        "document": document,
        "webhook": webhook,
        "delivery": delivery,
        "rule": rule,
        "token": token,
        "meeting": copenhagen.meeting,
        "committee": copenhagen.committee,
        "organisation": copenhagen.organisation,
        "person": copenhagen.secretary,
    }


def roles_of(town) -> dict[str, object]:
    return {
        "secretary": town.secretary,
        "politician": town.politician,
        "official": town.official,
        "administrator": town.administrator,
    }


def _request(client: Client, method: str, url: str):
    return getattr(client, method)(url, content_type="application/json", data={})


def test_every_url_pattern_is_classified():
    unclassified = sorted({p.key for p in walk() if _classify(p) is None})
    assert not unclassified, (
        "Classify these URL patterns in CLASSES (tests/test_isolation_every_url.py): "
        + ", ".join(unclassified)
    )


def test_every_class_names_an_object_for_its_kwargs():
    for pattern in walk():
        kind, target = _classify(pattern) or ("", None)
        if kind in ("org", "public"):
            assert "pk" in pattern.kwargs, pattern.key
            assert target is not None, pattern.key


def test_organisation_b_cannot_reach_organisation_as_objects_on_any_url(
    copenhagen, aarhus, objects_of_a
):
    failures: list[str] = []
    checked = 0
    clients = {}
    for role, person in roles_of(aarhus).items():
        clients[role] = Client()
        clients[role].force_login(person)
    seen: set[tuple[str, tuple[str, ...]]] = set()
    for pattern in walk():
        kind, target = _classify(pattern)
        if kind not in ("org", "public") or (pattern.key, pattern.kwargs) in seen:
            continue
        seen.add((pattern.key, pattern.kwargs))
        obj = objects_of_a[target]
        real, made_up = _url(pattern, obj.pk), _url(pattern, MISSING)
        for role, client in clients.items():
            for method in METHODS:
                answer = _request(client, method, real)
                baseline = _request(client, method, made_up)
                checked += 1
                body = b"".join(answer.streaming_content) if answer.streaming else answer.content
                where = f"{method.upper()} {real} as Aarhus' {role}"
                if kind == "public" and method == "get":
                    continue
                if answer.status_code not in REFUSALS:
                    failures.append(f"{where}: {answer.status_code}, not a refusal")
                elif answer.status_code != baseline.status_code:
                    failures.append(
                        f"{where}: {answer.status_code}, a made-up id gets {baseline.status_code}"
                    )
                if SENTINEL.encode() in body:
                    failures.append(f"{where}: shows Copenhagen's text")
    assert checked > 500
    assert not failures, "\n".join(failures)


def test_pages_without_an_object_show_b_nothing_of_a(copenhagen, aarhus, objects_of_a):
    failures: list[str] = []
    for role, person in roles_of(aarhus).items():
        client = Client()
        client.force_login(person)
        for pattern in walk():
            kind, _target = _classify(pattern)
            if kind not in ("own", "open") or pattern.kwargs:
                continue
            if pattern.key in ("logout", "api/v1/^.*$"):
                continue
            answer = client.get(_url(pattern, None))
            body = b"".join(answer.streaming_content) if answer.streaming else answer.content
            if answer.status_code >= 500:
                failures.append(f"GET {pattern.key} as Aarhus' {role}: {answer.status_code}")
            if SENTINEL.encode() in body:
                failures.append(f"GET {pattern.key} as Aarhus' {role}: shows Copenhagen's text")
    assert not failures, "\n".join(failures)


def test_a_wrong_secret_is_not_found(aarhus):
    client = Client()
    client.force_login(aarhus.politician)
    assert client.get("/calendar/not-a-token.ics").status_code == 404
    reset = client.get("/password/reset/MQ/wrong-token/")
    assert reset.status_code == 200 and b"password" in reset.content.lower()


def test_the_admin_sends_people_who_are_not_staff_to_its_sign_in(aarhus, objects_of_a):
    client = Client()
    client.force_login(aarhus.administrator)
    for pattern in walk():
        if _classify(pattern) != ("admin", None) or not pattern.key.startswith("admin:"):
            continue
        if pattern.key in ("admin:login", "admin:logout"):
            continue
        kwargs = {name: "organisations" if name == "app_label" else "1" for name in pattern.kwargs}
        from django.urls import reverse

        url = reverse(pattern.key, kwargs=kwargs)
        answer = client.get(url)
        assert answer.status_code in (302, 404), (url, answer.status_code)
        if answer.status_code == 302:
            assert "/admin/login/" in answer["Location"], url


def test_a_meeting_systems_id_is_looked_up_in_the_callers_organisation_only(copenhagen, aarhus):
    from rest_framework.test import APIClient

    from tests.factories import api_key_for

    copenhagen.meeting.external_id = "FA-shared-id"
    copenhagen.meeting.save(update_fields=["external_id"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_key_for(aarhus.secretary)}")
    url = "/api/v1/meetings/by-external-id/FA-shared-id/"
    assert api.get(url).status_code == api.get(url.replace("shared", "missing")).status_code == 404
    # Aarhus cannot push onto Copenhagen's committee, whatever the id
    taken = api.put(
        url, {"committee": copenhagen.committee.pk, "date": "2026-03-01"}, format="json"
    )
    assert taken.status_code == 400 and SENTINEL not in taken.content.decode()
    # the same id names Aarhus' own meeting, and Copenhagen's stays as it was
    own = api.put(
        url, {"committee": aarhus.committee.pk, "date": str(aarhus.meeting.date)}, format="json"
    )
    assert own.status_code == 200 and own.json()["id"] == aarhus.meeting.pk
    copenhagen.meeting.refresh_from_db()
    assert copenhagen.meeting.external_id == "FA-shared-id"


# --- Closed items (lukkede punkter) ----------------------------------------------------------

CLOSED = "LUKKET-PUNKT-SENTINEL-91c2"


@pytest.fixture
def closed_world(copenhagen, objects_of_a):
    """A decision and a follow-up of Copenhagen's committee on closed agenda items, with a
    sentinel in every text, and the mandate applied on the decision; the innovation itself
    is open to the whole organisation."""
    from agenda.models import AgendaItem
    from decisions import services

    innovation = InnovationFactory(
        committee=copenhagen.committee, title="Åben titel", owner=copenhagen.official
    )
    item = AgendaItem.objects.create(
        meeting=copenhagen.meeting,
        number="7",
        title=CLOSED,
        case_number=CLOSED[:40],
        closed=True,
        innovation=innovation,
    )
    decision = services.record_decision(
        actor=copenhagen.secretary,
        innovation=innovation,
        meeting=copenhagen.meeting,
        agenda_entry=item,
        agenda_item=CLOSED,
        outcome="approved",
        transition="mandate",
        resolution=CLOSED,
        value_direction="Mere tid til borgeren.",
        minority_statements=CLOSED,
        apply_transition=True,
    ).record
    other_item = AgendaItem.objects.create(
        meeting=copenhagen.meeting, number="8", title=CLOSED, closed=True, innovation=innovation
    )
    follow_up = services.record_follow_up(
        actor=copenhagen.secretary,
        innovation=innovation,
        meeting=copenhagen.meeting,
        agenda_entry=other_item,
        agenda_item=CLOSED,
        assessment="at_risk",
        summary=CLOSED,
        taken_note=CLOSED,
    ).record
    correction = services.record_correction(
        actor=copenhagen.secretary,
        decision=decision,
        reason=CLOSED,
        corrected_values={"agenda_item": CLOSED + " 2"},
    )
    return {
        **objects_of_a,
        "innovation": innovation,
        "decision": decision,
        "follow_up": follow_up,
        "correction": correction,
        "agenda_item": item,
    }


def outsiders_of(town) -> dict[str, object]:
    """People of the same organisation who may see the innovation but not its closed items."""
    from organisations.models import Role
    from tests.factories import MembershipFactory, UserFactory

    politician = UserFactory(
        username="kbh-other-politician", organisation=town.organisation, role=Role.POLITICIAN
    )
    MembershipFactory(person=politician, committee=town.other_committee, role="member")
    return {
        "secretary of another committee": town.other_secretary,
        "secretary of the council": town.council_secretary,
        "politician of another committee": politician,
        "official who does not own it": UserFactory(
            username="kbh-other-official", organisation=town.organisation, role=Role.OFFICIAL
        ),
    }


def test_closed_items_are_seen_by_no_one_outside_the_committee_on_any_url(copenhagen, closed_world):
    failures: list[str] = []
    seen: set[tuple[str, tuple[str, ...]]] = set()
    urls: list[str] = []
    for pattern in walk():
        kind, target = _classify(pattern)
        if (pattern.key, pattern.kwargs) in seen or kind not in ("org", "own", "public", "open"):
            continue
        seen.add((pattern.key, pattern.kwargs))
        if kind in ("own", "open") and pattern.kwargs:
            continue
        if pattern.key in ("logout", "api/v1/^.*$"):
            continue
        obj = closed_world[target] if target else None
        urls.append(_url(pattern, obj.pk if obj else None))
    innovation = closed_world["innovation"]
    urls += [
        f"/api/v1/innovations/?search={CLOSED}",
        f"/api/v1/decisions/?innovation={innovation.pk}",
        f"/api/v1/follow-ups/?meeting={copenhagen.meeting.pk}",
        f"/api/v1/innovations/{innovation.pk}/timeline/",
        "/portfolio/decisions.csv",
    ]
    for who, person in outsiders_of(copenhagen).items():
        client = Client()
        client.force_login(person)
        urls_with_feed = [*urls, f"/calendar/{person.calendar_token}.ics"]
        for url in urls_with_feed:
            answer = client.get(url)
            body = b"".join(answer.streaming_content) if answer.streaming else answer.content
            if answer.status_code >= 500:
                failures.append(f"GET {url} as {who}: {answer.status_code}")
            if CLOSED.encode() in body:
                failures.append(f"GET {url} as {who}: shows the closed item")
        for kind in ("decisions", "follow-ups"):
            record = closed_world["decision" if kind == "decisions" else "follow_up"]
            found = client.get(f"/api/v1/{kind}/{record.pk}/").status_code
            missing = client.get(f"/api/v1/{kind}/{MISSING}/").status_code
            if found != missing:
                failures.append(f"{kind} {record.pk} as {who}: {found}, a made-up id {missing}")
        page = client.get(f"/innovations/{innovation.pk}/").content.decode()
        if "lukket punkt" not in page.lower() and "closed item" not in page.lower():
            failures.append(
                f"the innovation page does not tell {who} the move rests on a closed item"
            )
        timeline = client.get(f"/api/v1/innovations/{innovation.pk}/timeline/").json()
        moves = [e["transition"] for e in timeline if e["type"] == "transition"]
        if not moves or moves[0]["on_closed_item"] is not True or moves[0]["decision"] is not None:
            failures.append(f"the API timeline shows {who} the closed move as {moves}")
    assert not failures, "\n".join(failures)


def test_the_committee_the_owner_and_the_administrators_see_closed_items(copenhagen, closed_world):
    innovation = closed_world["innovation"]
    for who in (
        copenhagen.secretary,
        copenhagen.politician,
        copenhagen.chair,
        copenhagen.official,
        copenhagen.administrator,
    ):
        client = Client()
        client.force_login(who)
        assert CLOSED in client.get(f"/innovations/{innovation.pk}/").content.decode(), who
        listed = client.get(f"/api/v1/decisions/?innovation={innovation.pk}").json()
        assert [d["id"] for d in listed["results"]] == [closed_world["decision"].pk], who
        assert listed["results"][0]["on_closed_item"] is True


def test_webhooks_carry_closed_items_only_to_endpoints_allowed_them(copenhagen):
    from agenda.models import AgendaItem
    from decisions import services

    ordinary = WebhookEndpoint.objects.create(
        organisation=copenhagen.organisation,
        url="https://intranet.example.dk/hook",
        events=["decision.recorded", "transition.applied"],
    )
    case_system = WebhookEndpoint.objects.create(
        organisation=copenhagen.organisation,
        url="https://esdh.example.dk/hook",
        events=["decision.recorded", "transition.applied"],
        closed_items=True,
    )
    innovation = InnovationFactory(committee=copenhagen.committee, case_number="26/4242")
    item = AgendaItem.objects.create(
        meeting=copenhagen.meeting, number="9", title="Lukket", closed=True, case_number="26/4242"
    )
    decision = services.record_decision(
        actor=copenhagen.secretary,
        innovation=innovation,
        meeting=copenhagen.meeting,
        agenda_entry=item,
        outcome="approved",
        transition="mandate",
        resolution=CLOSED,
        value_direction="Retning",
        apply_transition=True,
    ).record

    to_ordinary = list(WebhookDelivery.objects.filter(endpoint=ordinary))
    to_case_system = list(WebhookDelivery.objects.filter(endpoint=case_system))
    assert [d.event_type for d in to_ordinary] == ["transition.applied"]
    assert to_ordinary[0].payload["transition"]["decision"] is None
    assert to_ordinary[0].payload["transition"]["on_closed_item"] is True
    assert CLOSED not in str(to_ordinary[0].payload)
    assert sorted(d.event_type for d in to_case_system) == [
        "decision.recorded",
        "transition.applied",
    ]
    recorded = next(d for d in to_case_system if d.event_type == "decision.recorded")
    assert recorded.payload["decision"]["case_number"] == "26/4242"
    assert recorded.payload["decision"]["on_closed_item"] is True
    assert recorded.payload["decision"]["id"] == decision.pk


def test_closed_items_stay_out_of_the_catalogue(copenhagen, aarhus, closed_world):
    from innovations import services as innovation_services

    innovation = closed_world["innovation"]
    innovation_services.share_innovation(
        actor=copenhagen.administrator,
        innovation=innovation,
        contact_role="Innovationskonsulent",
        shared_summary="Et åbent resumé.",
    )
    client = Client()
    client.force_login(aarhus.politician)
    for url in (
        "/catalogue/",
        f"/catalogue/{innovation.pk}/",
        "/api/v1/catalogue/",
        f"/api/v1/catalogue/{innovation.pk}/",
    ):
        assert CLOSED.encode() not in client.get(url).content, url
