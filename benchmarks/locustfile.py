"""The mixed load of one national installation, for locust (run by ``benchmarks/load_test.py``).

Personas come from the JSON file in ``SPOR_LOAD_PERSONAS`` (sessions and tokens the runner
made for real people of the national dataset):

- politicians read their follow-ups, their notifications and innovation pages;
- secretaries record decisions that apply a transition (a mandate for an innovation in
  ``need``; when their pool is used up, a postponed decision);
- officials submit status reports on the innovations they own;
- administrators load the portfolio dashboard and search the catalogue;
- integrations list innovations through the API and fetch calendar feeds;
- and, beside them, a minimal Django view (no database), to see what the machine gives the
  framework alone in the same run.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import threading

from locust import FastHttpUser, between, task

with open(os.environ["SPOR_LOAD_PERSONAS"], encoding="utf-8") as _file:
    PERSONAS = json.load(_file)
_lock = threading.Lock()
_counters = {role: itertools.count() for role in PERSONAS}


def next_persona(role: str) -> dict:
    with _lock:
        people = PERSONAS[role]
        return people[next(_counters[role]) % len(people)]


class Persona(FastHttpUser):
    abstract = True
    role = ""
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        self.persona = next_persona(self.role)
        self.headers = {}
        if self.persona.get("session"):
            self.headers["Cookie"] = f"sessionid={self.persona['session']}"
        if self.persona.get("token"):
            self.headers["Authorization"] = f"Token {self.persona['token']}"

    def get(self, url: str, name: str) -> None:
        """A page of this persona's own: anything but a 200 (a redirect to the sign-in, say)
        counts as an error."""
        with self.client.get(
            url, headers=self.headers, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} for {url}")


class Politician(Persona):
    role = "politicians"
    weight = 10

    @task(3)
    def follow_ups(self) -> None:
        self.get("/my/follow-ups/", "politician: follow-ups")

    @task(3)
    def notifications(self) -> None:
        self.get("/my/notifications/", "politician: notifications")

    @task(4)
    def innovation(self) -> None:
        pk = random.choice(self.persona["innovations"])
        self.get(f"/innovations/{pk}/", "politician: innovation page")


class Secretary(Persona):
    role = "secretaries"
    weight = 1

    @task
    def record_decision(self) -> None:
        # each decision from a secretary whose committee still has an innovation in need (one
        # user stands for the secretaries of many committees: a pool holds a few innovations)
        with _lock:
            pools = [person for person in PERSONAS[self.role] if person["need"]]
            if pools:
                self.persona = random.choice(pools)
                self.headers = {"Authorization": f"Token {self.persona['token']}"}
        pool = self.persona["need"]
        body = {
            "meeting": self.persona["meeting"],
            "agenda_item": "Punkt 4: mandat",
            "resolution": "Udvalget giver mandat til at undersøge løsninger.",
            "votes_for": 4,
            "votes_against": 1,
            "votes_abstaining": 0,
        }
        if pool:
            body |= {
                "innovation": pool.pop(),
                "transition": "mandate",
                "outcome": "approved",
                "value_direction": "Borgeren skal hurtigere tilbage til hverdagen.",
                "apply_transition": True,
            }
        else:
            body |= {"innovation": self.persona["any"], "outcome": "postponed"}
        with self.client.post(
            "/api/v1/decisions/",
            json=body,
            headers=self.headers,
            name="secretary: record decision",
            catch_response=True,
        ) as response:
            if response.status_code != 201:
                response.failure(f"{response.status_code}: {response.text[:200]}")


class Official(Persona):
    role = "officials"
    weight = 1

    @task
    def status_report(self) -> None:
        pk = random.choice(self.persona["innovations"])
        with self.client.post(
            f"/api/v1/innovations/{pk}/status-reports/",
            json={"assessment": "on_track", "summary": "Piloten følger planen.", "next_steps": ""},
            headers=self.headers,
            name="official: status report",
            catch_response=True,
        ) as response:
            if response.status_code != 201:
                response.failure(f"{response.status_code}: {response.text[:200]}")


class Administrator(Persona):
    role = "administrators"
    weight = 1

    @task
    def dashboard(self) -> None:
        self.get("/portfolio/", "administrator: dashboard")

    @task
    def catalogue(self) -> None:
        words = random.choice(["hjemmepleje", "klimatilpasning", "skole", "ensomhed"])
        self.get(f"/catalogue/?q={words}", "administrator: catalogue search")


class Integration(Persona):
    role = "integrations"
    weight = 3

    @task
    def api_list(self) -> None:
        self.get("/api/v1/innovations/", "api: innovation list")

    @task
    def calendar(self) -> None:
        self.client.get(f"/calendar/{self.persona['calendar']}.ics", name="calendar feed")


class Minimal(FastHttpUser):
    """The yardstick: a Django view that returns a few bytes, through the same stack."""

    weight = 1
    wait_time = between(0.5, 1.5)

    @task
    def minimal(self) -> None:
        self.client.get("/bench/minimal/", name="minimal Django view")
