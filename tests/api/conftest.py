"""The API's tests: a client for programs, tokens for the cast, and a way to publish a region's results."""

from __future__ import annotations

import datetime

import pytest
from rest_framework.test import APIClient

from api.services import token_create
from evaluation.models import EvaluationCycle
from results.services import workflow


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def cycle(db) -> EvaluationCycle:
    return EvaluationCycle.objects.get(year=2012)


@pytest.fixture
def token_for():
    """Make a token for a person: token_for(person, write=False, regions=()) → the key."""

    def make(person, *, write: bool = False, regions=()) -> str:
        _token, key = token_create(
            user=person,
            name="programa",
            can_write=write,
            regions=list(regions),
            expires_on=datetime.date.today() + datetime.timedelta(days=30),
        )
        return key

    return make


@pytest.fixture
def publish(camila, daniela, cycle):
    """Publish Coquimbo's 2012 results: its analyst sends them, DIPRES approves them."""

    def run(region) -> None:
        workflow.submission_send(user=camila, region=region, cycle=cycle)
        workflow.submission_approve(user=daniela, region=region, cycle=cycle)

    return run


def bearer(key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}
