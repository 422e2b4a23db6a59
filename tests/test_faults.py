"""The fault harness (``scripts/faults``; docs/reliability.md): each fault with real processes,
each ending with the same checks:

- every due reminder delivered exactly once per channel (one in-app notification; one
  e-mail, or at most one re-send per fault, with the same Message-ID);
- every acknowledged decision present, and no half-applied transition (each innovation's
  state is where its transition log says it went);
- the time to recovery, printed (and written to ``SPOR_FAULTS_REPORT`` when set).

PostgreSQL restarts run only against the throwaway cluster ``scripts/faults`` starts; without
it they are skipped. The other faults run in every suite.
"""

from __future__ import annotations

import collections
import datetime
import json
import os
import signal
import subprocess
import sys
import threading
import time

import psycopg
import pytest
import requests
import time_machine
from django.conf import settings
from django.db import connection
from django.utils import timezone
from notifications.models import Notification

from decisions.models import Decision, TransitionLog
from innovations.models import Innovation
from reminders import delivery, schedule, services
from reminders.models import Checkpoint, EmailStatus, Reminder, SweepRun
from reminders.sweep import backstop, sweep

from .factories import InnovationFactory, api_key_for
from .fault_world import seed_checkpoints_due_yesterday
from .processes import (
    ROOT,
    Beat,
    PostgresCluster,
    SmtpSink,
    Worker,
    database_url,
    free_port,
    publishing_to,
    wait_until,
    worker_environment,
)
from .reminders_world import local

pytestmark = pytest.mark.faults
real_database = pytest.mark.django_db(transaction=True, serialized_rollback=True)
DEADLINE = 120


# --- The same checks after every fault ------------------------------------------------------


def delivered_everything() -> bool:
    return not Reminder.objects.exclude(
        notified_at__isnull=False, email_status=EmailStatus.SENT
    ).exists()


def progress() -> dict[str, int]:
    reminders = Reminder.objects.all()
    return {
        "recorded": reminders.count(),
        "notified": reminders.filter(notified_at__isnull=False).count(),
        "sent": reminders.filter(email_status=EmailStatus.SENT).count(),
        "sending": reminders.filter(email_status=EmailStatus.SENDING).count(),
    }


def assert_recovered(
    fault: str,
    fault_ended: float,
    *,
    mail: SmtpSink | None,
    expected_reminders: int,
    decisions: list[int] = (),
    max_duplicates: int = 1,
    recovered: float | None = None,
) -> None:
    """The checks after every fault; the time to recovery runs from ``fault_ended`` to
    ``recovered`` (by default: now, when everything was found delivered)."""
    recovery = (recovered or time.monotonic()) - fault_ended
    # every due reminder recorded and delivered exactly once per channel
    assert Reminder.objects.count() == expected_reminders
    assert delivered_everything(), progress()
    per_reminder = collections.Counter(
        data["reminder"] for data in Notification.objects.values_list("data", flat=True)
    )
    assert set(per_reminder) == set(Reminder.objects.values_list("pk", flat=True))
    assert set(per_reminder.values()) <= {1}, "an in-app notification twice"
    duplicates = 0
    if mail is not None:
        message_ids = {r.pk: r.message_id for r in Reminder.objects.only("pk", "stage")}
        received = collections.Counter(m.message_id for m in mail.messages)
        assert set(received) == set(message_ids.values()), "an e-mail missing or unknown"
        duplicates = sum(n - 1 for n in received.values())
        assert duplicates <= max_duplicates, f"{duplicates} e-mails sent twice"
    # every acknowledged decision present, and state and log agree
    assert set(Decision.objects.filter(pk__in=decisions).values_list("pk", flat=True)) == set(
        decisions
    )
    assert_no_half_applied_transition()
    line = {"fault": fault, "recovery_seconds": recovery, "duplicates": duplicates}
    print(
        f"\n[fault] {fault}: recovered {recovery:.1f} s after the fault ended; {duplicates} resent"
    )
    if os.environ.get("SPOR_FAULTS_REPORT"):
        with open(os.environ["SPOR_FAULTS_REPORT"], "a") as report:
            report.write(json.dumps(line) + "\n")


def assert_no_half_applied_transition() -> None:
    last = {}
    for innovation_id, target in TransitionLog.objects.order_by("at", "pk").values_list(
        "innovation_id", "target"
    ):
        last[innovation_id] = target
    for innovation_id, state in Innovation.objects.values_list("pk", "state"):
        if innovation_id in last:
            assert state == last[innovation_id], f"innovation {innovation_id}: {state} vs log"


# --- PostgreSQL restarted -------------------------------------------------------------------


@pytest.fixture
def postgres():
    cluster = PostgresCluster.from_environment()
    if cluster is None:
        pytest.skip("restarts PostgreSQL: run scripts/faults (a throwaway cluster)")
    assert cluster.port == int(connection.settings_dict["PORT"]), "not the throwaway cluster"
    yield cluster
    if not cluster.answers():
        cluster.start()


def outage(cluster: PostgresCluster, seconds: float) -> float:
    """Stop PostgreSQL as a crash would, keep it down ``seconds``, start it again."""
    cluster.stop("immediate")
    time.sleep(seconds)  # the outage itself: the other processes meet it in real time
    cluster.start()
    connection.close()  # this process's connection died with the server
    return time.monotonic()


@pytest.mark.celery_worker
@real_database
def test_postgresql_restarted_mid_delivery_retries_without_waiting_for_the_backstop(
    copenhagen, broker, mail_server, start_worker, postgres
):
    # given 150 reminders queued and a worker delivering them at a busy mail server's pace
    seed_checkpoints_due_yesterday(copenhagen, 150)
    mail_server.reply_delay = 0.05
    with publishing_to(broker.url):
        assert sweep().reminders == 150
    worker = start_worker("first")
    wait_until(
        lambda: progress()["sent"] >= 30,
        timeout=DEADLINE,
        message=lambda: f"the worker did not get going\n{worker.log()}",
    )
    # when PostgreSQL goes down for 8 seconds mid-delivery
    ended = outage(postgres, 8)
    # then the worker's tasks retry and deliver everything, with no backstop run
    wait_until(
        delivered_everything,
        timeout=DEADLINE,
        interval=0.5,
        message=lambda: f"not delivered without the backstop: {progress()}\n{worker.log()}",
    )
    assert not SweepRun.objects.filter(kind="backstop").exists()
    assert_recovered(
        "PostgreSQL restarted mid-delivery", ended, mail=mail_server, expected_reminders=150
    )


@real_database
def test_postgresql_restarted_mid_sweep_loses_no_reminder_and_records_none_twice(
    copenhagen, postgres, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # given 3,000 checkpoints due, swept in batches of 15
    seed_checkpoints_due_yesterday(copenhagen, 3000)
    failures: list[BaseException] = []

    def sweeping() -> None:
        try:
            sweep(enqueue=False, batch_size=15)
        except BaseException as exc:  # the connection dies with the server
            failures.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=sweeping)
    thread.start()
    wait_until(lambda: Reminder.objects.count() >= 150, timeout=DEADLINE, message="no sweep")
    connection.close()
    # when PostgreSQL goes down mid-sweep
    ended = outage(postgres, 2)
    thread.join(timeout=DEADLINE)
    assert failures, "the sweep finished before the outage: the test proves nothing"
    recorded_before = Reminder.objects.count()
    assert 0 < recorded_before < 3000
    # then the next sweep records the rest, each once (the recovery: 5 minutes at most for
    # beat's next sweep, plus this), and delivery delivers all
    sweep(enqueue=False)
    recovered = time.monotonic()
    delivery.deliver_all_pending()
    assert_recovered(
        "PostgreSQL restarted mid-sweep (re-sweep)",
        ended,
        mail=None,
        expected_reminders=3000,
        recovered=recovered,
    )
    assert not Checkpoint.objects.filter(next_reminder_at__lte=timezone.now()).exists()


# --- SMTP refusing, then back ---------------------------------------------------------------


class RefusingSmtp(SmtpSink):
    """Answers ``refusal`` (e.g. "451 ...", "554 ...") to every message until ``accept()``."""

    refusal: str | None = None

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.refusal:
            return self.refusal
        return await super().handle_DATA(server, session, envelope)


@pytest.mark.parametrize("refusal", ["451 4.3.0 try again later", "554 5.7.1 rejected"])
@real_database
def test_smtp_refusing_then_back_delivers_each_email_once_and_never_ahead_of_the_backoff(
    copenhagen, settings, refusal
):
    sink = RefusingSmtp().start()
    sink.refusal = refusal
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
    try:
        seed_checkpoints_due_yesterday(copenhagen, 20)
        start = timezone.now()
        sweep(enqueue=False)
        # when the server refuses for ten minutes, while the backstop runs every minute
        for minute in range(11):
            with time_machine.travel(
                start + datetime.timedelta(minutes=minute, seconds=1), tick=False
            ):
                delivery.deliver_all_pending()
                backstop(enqueue=False)
        refused_attempts = set(Reminder.objects.values_list("attempts", flat=True))
        # (1, 2, 4 minutes: the fourth attempt at 7 minutes, the fifth due at 15)
        assert refused_attempts == {4}, refused_attempts
        assert not sink.messages
        # then the server is back, and the next attempts at their time deliver every e-mail once
        sink.refusal = None
        ended = time.monotonic()
        with time_machine.travel(start + datetime.timedelta(minutes=16), tick=False):
            delivery.deliver_all_pending()
        assert_recovered(f"SMTP answering {refusal[:3]}, then back", ended, mail=sink,
                         expected_reminders=20, max_duplicates=0)  # fmt: skip
    finally:
        sink.stop()


# --- Beat started twice ---------------------------------------------------------------------


@pytest.mark.celery_worker
@real_database
def test_beat_started_twice_still_delivers_each_reminder_once(
    copenhagen, broker, mail_server, tmp_path
):
    seed_checkpoints_due_yesterday(copenhagen, 100)
    environment = worker_environment(
        database_url=database_url(connection.settings_dict),
        broker_url=broker.url,
        smtp_port=mail_server.port,
        var_directory=tmp_path / "var",
        SPOR_SWEEP_INTERVAL_SECONDS="5",
    )
    processes = [
        Worker("delivery", environment=environment, log_directory=tmp_path, concurrency=2),
        Worker("sweeper", environment=environment, log_directory=tmp_path, queues="sweep",
               concurrency=2),
        Beat("beat-1", environment=environment, log_directory=tmp_path),
        Beat("beat-2", environment=environment, log_directory=tmp_path),
    ]  # fmt: skip
    started = time.monotonic()
    for process in processes:
        process.start()
    try:
        wait_until(
            lambda: Reminder.objects.count() == 100 and delivered_everything(),
            timeout=DEADLINE,
            interval=0.5,
            message=lambda: f"{progress()}\n" + "\n".join(p.log() for p in processes),
        )
        wait_until(
            lambda: SweepRun.objects.filter(kind="sweep").count() >= 4,
            timeout=DEADLINE,
            interval=0.5,
            message="both beats' sweeps did not run",
        )
    finally:
        for process in processes:
            process.stop()
    assert_recovered("beat started twice", started, mail=mail_server, expected_reminders=100,
                     max_duplicates=0)  # fmt: skip


# --- A web process killed while it records a decision ---------------------------------------


def start_web(tmp_path, port: int) -> subprocess.Popen:
    environment = worker_environment(
        database_url=database_url(connection.settings_dict),
        broker_url=settings.REDIS_URL,
        smtp_port=free_port(),
        var_directory=tmp_path / "var",
        ALLOWED_HOSTS="127.0.0.1",
    )
    log = (tmp_path / f"web-{port}.log").open("ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "workflow_project.wsgi:application",
         "--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "120"],
        cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    log.close()

    def answers() -> bool:
        try:
            return requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).ok
        except requests.RequestException:
            return False

    wait_until(answers, timeout=60, interval=0.2, message="gunicorn did not start")
    return process


def answers_text(answers: list) -> str:
    return "; ".join(
        f"{a.status_code} {a.text[:300]}" if isinstance(a, requests.Response) else repr(a)
        for a in answers
    )


@real_database
def test_a_web_process_killed_mid_record_leaves_no_half_applied_transition(copenhagen, tmp_path):
    innovation = InnovationFactory(committee=copenhagen.committee, owner=copenhagen.official)
    token = api_key_for(copenhagen.secretary)
    payload = {
        "innovation": innovation.pk,
        "meeting": copenhagen.meeting.pk,
        "agenda_item": "Punkt 7",
        "transition": "mandate",
        "outcome": "approved",
        "resolution": "Udvalget giver mandat.",
        "votes_for": 2,
        "votes_against": 0,
        "votes_abstaining": 0,
        "value_direction": "Hurtigere tilbage til hverdagen.",
        "apply_transition": True,
    }
    headers = {"Authorization": f"Token {token}", "Accept-Language": "en"}
    port = free_port()
    web = start_web(tmp_path, port)
    answers: list = []

    def record() -> None:
        try:
            answers.append(
                requests.post(
                    f"http://127.0.0.1:{port}/api/v1/decisions/",
                    json=payload,
                    headers=headers,
                    timeout=60,
                )
            )
        except requests.RequestException as exc:
            answers.append(exc)

    # given the innovation's row is locked by another transaction, so the web process's
    # recording transaction waits in the middle
    locker = __import__("psycopg").connect(database_url(connection.settings_dict), autocommit=False)
    locker.execute(
        "SELECT id FROM innovations_innovation WHERE id = %s FOR UPDATE", [innovation.pk]
    )
    request = threading.Thread(target=record, daemon=True)
    request.start()

    def waiting_for_the_lock() -> bool:
        # (a fresh snapshot each time: the test's own connection, not the locker's)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            return cursor.fetchone()[0] >= 1

    try:
        wait_until(
            waiting_for_the_lock,
            timeout=30,
            message=lambda: f"the request never reached the lock: {answers_text(answers)}",
        )
    finally:
        # when the web process is killed with SIGKILL
        os.killpg(web.pid, signal.SIGKILL)
        web.wait(timeout=20)
        locker.rollback()
        locker.close()
    request.join(timeout=30)
    ended = time.monotonic()
    # then nothing of it is recorded: no decision, no log row, the state unchanged
    assert isinstance(answers[0], requests.RequestException), answers
    innovation.refresh_from_db()
    assert innovation.state == "need"
    assert not Decision.objects.exists() and not TransitionLog.objects.exists()
    # and the secretary records it again on a new web process: acknowledged, it is there
    port = free_port()
    web = start_web(tmp_path, port)
    try:
        answer = requests.post(f"http://127.0.0.1:{port}/api/v1/decisions/", json=payload,
                               headers=headers, timeout=60)  # fmt: skip
    finally:
        os.killpg(web.pid, signal.SIGTERM)
        web.wait(timeout=30)
    assert answer.status_code == 201, answer.text
    innovation.refresh_from_db()
    assert innovation.state == "exploring"
    assert_recovered("web process killed mid-record", ended, mail=None, expected_reminders=0,
                     decisions=[answer.json()["id"]])  # fmt: skip


@real_database
def test_a_web_process_stopped_with_sigterm_mid_record_finishes_it_then_exits(copenhagen, tmp_path):
    """`docker stop` sends SIGTERM: gunicorn finishes the request in progress, then exits."""
    innovation = InnovationFactory(committee=copenhagen.committee, owner=copenhagen.official)
    token = api_key_for(copenhagen.secretary)
    payload = {
        "innovation": innovation.pk,
        "meeting": copenhagen.meeting.pk,
        "agenda_item": "Punkt 8",
        "transition": "mandate",
        "outcome": "approved",
        "resolution": "Udvalget giver mandat.",
        "votes_for": 2,
        "votes_against": 0,
        "votes_abstaining": 0,
        "value_direction": "Hurtigere tilbage til hverdagen.",
        "apply_transition": True,
    }
    headers = {"Authorization": f"Token {token}", "Accept-Language": "en"}
    port = free_port()
    web = start_web(tmp_path, port)
    answers: list = []

    def record() -> None:
        try:
            answers.append(
                requests.post(
                    f"http://127.0.0.1:{port}/api/v1/decisions/",
                    json=payload,
                    headers=headers,
                    timeout=60,
                )
            )
        except requests.RequestException as exc:
            answers.append(exc)

    # given the recording request waits, in the middle of its transaction, for a row lock
    locker = psycopg.connect(database_url(connection.settings_dict), autocommit=False)
    locker.execute(
        "SELECT id FROM innovations_innovation WHERE id = %s FOR UPDATE", [innovation.pk]
    )
    request = threading.Thread(target=record, daemon=True)
    request.start()

    def waiting_for_the_lock() -> bool:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            return cursor.fetchone()[0] >= 1

    try:
        wait_until(
            waiting_for_the_lock,
            timeout=30,
            message=lambda: f"the request never reached the lock: {answers_text(answers)}",
        )
        # when the web process gets SIGTERM while the request is in progress
        os.killpg(web.pid, signal.SIGTERM)
        # it has taken the signal, and still runs: it waits for the request to finish
        log = tmp_path / f"web-{port}.log"
        wait_until(
            lambda: "Handling signal: term" in log.read_text(errors="replace"),
            timeout=20,
            message="gunicorn did not take the SIGTERM",
        )
        assert web.poll() is None, "gunicorn exited without finishing the request"
        assert not answers, answers_text(answers)
    finally:
        # when the lock is released, the request goes on
        locker.rollback()
        locker.close()
    request.join(timeout=60)
    web.wait(timeout=40)
    # then the request was answered and its decision and move are recorded
    assert isinstance(answers[0], requests.Response), answers_text(answers)
    assert answers[0].status_code == 201, answers_text(answers)
    innovation.refresh_from_db()
    assert innovation.state == "exploring"
    assert Decision.objects.filter(pk=answers[0].json()["id"]).exists()
    assert TransitionLog.objects.filter(innovation=innovation).count() == 1
    assert web.returncode == 0, f"gunicorn exited with {web.returncode}"


# --- The clock across both daylight-saving changes ------------------------------------------


@pytest.mark.parametrize("day", [datetime.date(2026, 3, 29), datetime.date(2026, 10, 25)])
def test_beats_sweeps_through_a_daylight_saving_night_send_each_stage_once_at_its_hour(
    copenhagen, settings, day
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    policy = services.policy_for(copenhagen.organisation)
    evening = local(day.year, day.month, day.day - 1, 22)
    # given checkpoints whose "due", "before-3" and "before-14" stages fall on that day
    innovation = InnovationFactory(committee=copenhagen.committee, owner=copenhagen.official)
    due_dates = [day + datetime.timedelta(days=n) for n in (0, 3, 14)]
    for due in due_dates:
        Checkpoint.objects.create(
            innovation=innovation, kind="documentation", responsible="owner",
            committee=copenhagen.committee, due_date=due, source="manual", state="testing",
            next_reminder_at=schedule.next_reminder_at(due, policy, evening),
        )  # fmt: skip
    # when beat's sweep runs every 5 minutes (real, UTC, minutes) from 22:00 the evening
    # before to 11:00, crossing the night's skipped or repeated hour as the clock does
    moment = evening
    while moment <= local(day.year, day.month, day.day, 11):
        with time_machine.travel(moment, tick=False):
            sweep(enqueue=False)
            delivery.deliver_all_pending()
        moment += datetime.timedelta(minutes=5)
    ended = time.monotonic()
    # then each checkpoint got one reminder, sent at the policy's hour in Copenhagen
    reminders = list(Reminder.objects.order_by("checkpoint__due_date"))
    assert [r.stage for r in reminders] == ["due", "before-3", "before-14"]
    for reminder in reminders:
        sent = reminder.email_sent_at.astimezone(schedule.LOCAL_ZONE)
        assert sent.date() == day and sent.hour == policy.send_hour and sent.minute < 5, sent
    assert_recovered(f"the clock across {day}", ended, mail=None, expected_reminders=3)
