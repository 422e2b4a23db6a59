"""The CPU each request type of the mixed load costs in-process, on the national dataset.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/spor_scale_national SECRET_KEY=x \\
        .venv/bin/python benchmarks/profile_requests.py [--rounds 5]

The same personas as ``benchmarks/load_test.py`` (real people of the dataset, a session or a
named API token) and the same requests, through Django's whole stack (middleware included,
no HTTP server), one after another: the CPU time of this process per request (Python: the
ORM, templates, serializers), the wall time, and the queries. A secretary's decision applies
a transition (a mandate at today's meeting) and is rolled back afterwards, so the dataset is
left as it was. What ``docs/benchmarks.md`` ("CPU per request") reports. Never part of the
suite.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.load_settings")

import load_test
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext


def measure(name: str, request: Callable[[], None], rounds: int) -> None:
    request()  # warm: templates compiled, connection open
    started_cpu, started_wall = time.process_time(), time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        for _ in range(rounds):
            request()
    cpu = (time.process_time() - started_cpu) / rounds * 1000
    wall = (time.perf_counter() - started_wall) / rounds * 1000
    print(
        f"| {name} | {cpu:.1f} | {wall:.1f} | {len(queries.captured_queries) / rounds:.0f} |",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    people = load_test.personas(40)
    client = Client()

    def get(persona: dict, path: str) -> Callable[[], None]:
        headers = {}
        if persona.get("token"):
            headers["HTTP_AUTHORIZATION"] = f"Token {persona['token']}"

        def request() -> None:
            client.cookies.clear()
            if persona.get("session"):
                client.cookies["sessionid"] = persona["session"]
            response = client.get(path, **headers)
            assert response.status_code == 200, (path, response.status_code)

        return request

    def post(persona: dict, path: str, body: Callable[[], dict]) -> Callable[[], None]:
        def request() -> None:
            with transaction.atomic():
                response = client.post(
                    path,
                    data=json.dumps(body()),
                    content_type="application/json",
                    HTTP_AUTHORIZATION=f"Token {persona['token']}",
                )
                assert response.status_code == 201, (path, response.content[:300])
                transaction.set_rollback(True)

        return request

    politician = people["politicians"][0]
    administrator = people["administrators"][0]
    integration = people["integrations"][0]
    official = people["officials"][0]
    secretary = max(people["secretaries"], key=lambda person: len(person["need"]))
    innovations = iter(politician["innovations"] * args.rounds)
    print("| request | CPU ms | wall ms | queries |")
    print("|---|---:|---:|---:|")
    measure("politician: follow-ups", get(politician, "/my/follow-ups/"), args.rounds)
    measure("politician: notifications", get(politician, "/my/notifications/"), args.rounds)

    def innovation_page() -> None:
        get(politician, f"/innovations/{next(innovations)}/")()

    measure("politician: innovation page", innovation_page, args.rounds * 4)
    measure("administrator: dashboard", get(administrator, "/portfolio/"), args.rounds)
    measure(
        "administrator: catalogue search",
        get(administrator, "/catalogue/?q=hjemmepleje"),
        args.rounds,
    )
    measure("api: innovation list", get(integration, "/api/v1/innovations/"), args.rounds)
    measure(
        "calendar feed (kept)", get({}, f"/calendar/{integration['calendar']}.ics"), args.rounds
    )
    measure(
        "official: status report",
        post(
            official,
            f"/api/v1/innovations/{official['innovations'][0]}/status-reports/",
            lambda: {
                "assessment": "on_track",
                "summary": "Piloten følger planen.",
                "next_steps": "",
            },
        ),
        args.rounds,
    )
    if secretary["need"]:
        innovation = secretary["need"][0]  # rolled back each time: the same one serves
        measure(
            "secretary: record decision (mandate applied)",
            post(
                secretary,
                "/api/v1/decisions/",
                lambda: {
                    "meeting": secretary["meeting"],
                    "agenda_item": "Punkt 4: mandat",
                    "resolution": "Udvalget giver mandat til at undersøge løsninger.",
                    "votes_for": 4,
                    "votes_against": 1,
                    "votes_abstaining": 0,
                    "innovation": innovation,
                    "transition": "mandate",
                    "outcome": "approved",
                    "value_direction": "Borgeren skal hurtigere tilbage til hverdagen.",
                    "apply_transition": True,
                },
            ),
            args.rounds,
        )
    measure("minimal Django view", get({}, "/bench/minimal/"), args.rounds)


if __name__ == "__main__":
    main()
