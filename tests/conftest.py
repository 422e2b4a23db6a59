"""Personas and a small world: two municipalities, each with a council and a committee."""

from __future__ import annotations

import dataclasses
import importlib

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.utils import timezone

from organisations.models import Committee, Meeting, Organisation, Role, User

from .factories import (
    CommitteeFactory,
    MeetingFactory,
    MembershipFactory,
    UserFactory,
    council_of,
    organisation,
)
from .fault_world import broker, mail_server, start_worker  # noqa: F401 - fault fixtures
from .network import FakeDNS, install_fake_dns


@pytest.hookimpl(tryfirst=True)  # before -m deselects by marker
def pytest_collection_modifyitems(items):
    """Mark every test that is itself a hypothesis test ``fuzz``: a slow tier of its own in CI.

    (A test that runs a hypothesis function inside carries the mark itself.)
    """
    for item in items:
        if getattr(getattr(item, "obj", None), "is_hypothesis_test", False):
            item.add_marker(pytest.mark.fuzz)


@pytest.fixture(scope="session", autouse=True)
def _real_services_required():
    """The suite needs the real PostgreSQL and Redis; it says so instead of falling back."""
    assert connection.vendor == "postgresql", "the tests run on PostgreSQL"
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:  # pragma: no cover - the message is the point
        pytest.exit(f"Redis is not reachable at {settings.REDIS_URL}: {exc}", returncode=3)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The application's role exists and holds its production rights on the test database."""
    from audit import db_roles

    with django_db_blocker.unblock():
        with connection.cursor() as cursor:
            db_roles.ensure_role(cursor, settings.SPOR_DB_APP_ROLE, app=True)
            cursor.execute(
                f"GRANT CONNECT ON DATABASE {connection.settings_dict['NAME']} "
                f"TO {settings.SPOR_DB_APP_ROLE}"
            )
        db_roles.grant_app_role(connection, settings.SPOR_DB_APP_ROLE)
        _restore_reference_data()


def _restore_reference_data() -> None:
    """Put back the rows the data migrations load, when a reused test database lost them.

    ``--reuse-db`` keeps the database of the previous run as its last test left it, and a
    transactional test ends by emptying every table: the next run (CI's slow tiers after
    the fast one) would find no organisation, and serialise that empty state for the tests
    that restore it. The data migrations' own functions load the rows again, and the
    serialised copy is taken anew.
    """
    if Organisation.objects.exists():
        return
    # The content types and permissions went with the flush too (a serialised rollback
    # skips the post_migrate signal that makes them), while the cache still named them.
    emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)
    ContentType.objects.clear_cache()
    for module, function in (
        ("organisations.migrations.0002_load_organisations", "load"),
        ("reminders.migrations.0002_default_policy_and_rules", "seed"),
    ):
        getattr(importlib.import_module(module), function)(apps, None)
    if hasattr(connection, "_test_serialized_contents"):
        connection._test_serialized_contents = connection.creation.serialize_db_to_string()


@pytest.fixture(autouse=True)
def _reference_data_present(request, django_db_blocker):
    """A transactional test ends by emptying every table, organisations included; a test
    that ran after it on the same worker found none. pytest-django runs transactional tests
    last, but with ``--dist worksteal`` a worker can be handed other tests after one: before
    each test in a transaction, the rows the data migrations load are put back if missing.
    (Transactional tests restore their own, serialised copy.)"""
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or (
        marker is not None and bool(marker.kwargs.get("transaction") or marker.args[:1] == (True,))
    )
    if not transactional and (marker is not None or "db" in request.fixturenames):
        with django_db_blocker.unblock():
            _restore_reference_data()


@pytest.fixture(autouse=True)
def fake_dns(monkeypatch) -> FakeDNS:
    """No test asks a real name server (webhook URLs are resolved when registered and sent):
    names resolve only when a test adds them, e.g. ``fake_dns.names["esdh.example.dk"] =
    ["93.184.215.14"]``; literal addresses and localhost resolve as usual."""
    return install_fake_dns(monkeypatch)


@dataclasses.dataclass
class Municipality:
    organisation: object
    council: Committee
    committee: Committee
    other_committee: Committee
    meeting: Meeting
    council_meeting: Meeting
    other_meeting: Meeting
    secretary: User
    council_secretary: User
    other_secretary: User
    politician: User
    chair: User
    official: User
    administrator: User


def build_municipality(code: str, prefix: str) -> Municipality:
    org = organisation(code)
    council = council_of(org)
    committee = CommitteeFactory(organisation=org, name="Sundheds- og Omsorgsudvalget")
    other_committee = CommitteeFactory(organisation=org, name="Teknik- og Miljøudvalget")
    # Today's meetings (local date): evidence is dated at or after the innovation was raised,
    # and the tests raise their innovations today.
    today = timezone.localdate()
    meeting = MeetingFactory(committee=committee, date=today)
    council_meeting = MeetingFactory(committee=council, date=today)
    other_meeting = MeetingFactory(committee=other_committee, date=today)

    def person(name: str, role: str) -> User:
        return UserFactory(username=f"{prefix}-{name}", organisation=org, role=role)

    secretary = person("secretary", Role.SECRETARY)
    MembershipFactory(person=secretary, committee=committee, role="secretary")
    council_secretary = person("council-secretary", Role.SECRETARY)
    MembershipFactory(person=council_secretary, committee=council, role="secretary")
    other_secretary = person("other-secretary", Role.SECRETARY)
    MembershipFactory(person=other_secretary, committee=other_committee, role="secretary")
    politician = person("politician", Role.POLITICIAN)
    MembershipFactory(person=politician, committee=committee, role="member")
    chair = person("chair", Role.POLITICIAN)
    MembershipFactory(person=chair, committee=committee, role="chair")
    return Municipality(
        organisation=org,
        council=council,
        committee=committee,
        other_committee=other_committee,
        meeting=meeting,
        council_meeting=council_meeting,
        other_meeting=other_meeting,
        secretary=secretary,
        council_secretary=council_secretary,
        other_secretary=other_secretary,
        politician=politician,
        chair=chair,
        official=person("official", Role.OFFICIAL),
        administrator=person("administrator", Role.ADMINISTRATOR),
    )


@pytest.fixture
def in_english():
    """Messages in English, for tests that read the engine's words (Danish is the default)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def copenhagen(db) -> Municipality:
    return build_municipality("0101", "kbh")


@pytest.fixture
def aarhus(db) -> Municipality:
    return build_municipality("0751", "aar")
