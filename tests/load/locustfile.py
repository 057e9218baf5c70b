"""The load test's users (locust): staff marking registers and parents using the portal.

Run by `bin/loadtest`, which prepares the people (`tests/load/prepare.py`) and writes their
plan to the JSON file named by `LOAD_PLAN`: the password, the day whose registers are
marked, one register group per member of staff (no two share a register, so a save never
meets another's conflict) and each parent's children. Each simulated person signs in
once, then repeats what they do on a school morning with a pause between pages.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import time

from locust import HttpUser, between, events, task
from locust.exception import StopUser

from tests.load.forms import form_fields

PLAN = json.loads(open(os.environ["LOAD_PLAN"], encoding="utf-8").read())  # noqa: SIM115
_STAFF = itertools.cycle(PLAN["staff"])
_PARENTS = itertools.cycle(PLAN["parents"])
# Mostly present, with the codes a morning brings: late, not yet explained, ill.
_CODES = ["/"] * 20 + ["L", "N", "I"]
_THINK = float(os.environ.get("LOAD_THINK_SCALE", "1"))  # shorter pauses for the smoke test


class _SignedIn(HttpUser):
    abstract = True
    person: dict

    def sign_in(self, username: str) -> None:
        page = self.client.get("/accounts/login/", name="sign in (form)")
        token = form_fields(page.text).get("csrfmiddlewaretoken", "")
        with self.client.post(
            "/accounts/login/",
            {"username": username, "password": PLAN["password"], "csrfmiddlewaretoken": token},
            name="sign in",
            catch_response=True,
        ) as response:
            if "/accounts/login/" in response.url:
                response.failure(f"{username} could not sign in")
                raise StopUser()


class StaffMarkingRegisters(_SignedIn):
    """A teacher or office member taking their group's AM and PM registers."""

    fixed_count = PLAN["staff_users"]
    # Marking thirty pupils with the keyboard takes a teacher a few seconds at least.
    wait_time = between(5 * _THINK, 15 * _THINK)

    def on_start(self) -> None:
        self.person = next(_STAFF)
        self.sign_in(self.person["username"])
        self.base = f"/schools/{self.person['urn']}"

    @task(1)
    def registers_of_the_day(self) -> None:
        self.client.get(f"{self.base}/registers/?date={PLAN['day']}", name="registers (day)")

    @task(4)
    def take_register(self) -> None:
        session = random.choice(("AM", "PM"))
        url = f"{self.base}/registers/{PLAN['day']}/{session}/{self.person['group']}/"
        page = self.client.get(url, name="register (open)")
        fields = form_fields(page.text)
        present = "/" if session == "AM" else "\\"
        for name in [n for n in fields if n.startswith("code-")]:
            code = random.choice(_CODES)
            fields[name] = present if code == "/" else code
            fields[name.replace("code-", "arrival-")] = ""
            fields[name.replace("code-", "minutes-")] = "7" if code == "L" else ""
        fields["save"] = "1"
        with self.client.post(url, fields, name="register (save)", catch_response=True) as response:
            if "Saved the" not in response.text:
                response.failure("the register was not saved")


class ParentUsingPortal(_SignedIn):
    """A parent checking their children's attendance, sometimes reporting an absence."""

    fixed_count = PLAN["parent_users"]
    wait_time = between(5 * _THINK, 20 * _THINK)  # reading a page

    def on_start(self) -> None:
        self.person = next(_PARENTS)
        self.sign_in(self.person["username"])

    @task(3)
    def home(self) -> None:
        self.client.get("/parents/", name="portal (home)")

    @task(4)
    def child(self) -> None:
        child = random.choice(self.person["children"])
        self.client.get(f"/parents/children/{child}/", name="portal (child)")

    @task(1)
    def report_absence(self) -> None:
        child = random.choice(self.person["children"])
        url = f"/parents/children/{child}/report/"
        fields = form_fields(self.client.get(url, name="portal (report form)").text)
        fields.update(reason="illness", first_day=PLAN["today"], details="Temperature overnight.")
        with self.client.post(url, fields, name="portal (report)", catch_response=True) as response:
            if "Thank you: the school has your report" not in response.text:
                response.failure("the report was not accepted")


if os.environ.get("LOAD_TRACE"):
    # Every request as a line (time, name, milliseconds, failed), to see when slow
    # answers happen: bin/loadtest's figures are over the whole run.
    _trace = open(os.environ["LOAD_TRACE"], "a", encoding="utf-8")  # noqa: SIM115

    @events.request.add_listener
    def _record(request_type, name, response_time, exception, **kwargs) -> None:
        _trace.write(f"{time.time():.3f}\t{name}\t{response_time:.1f}\t{int(bool(exception))}\n")
