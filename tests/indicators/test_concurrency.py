"""Two people save the same figure at the same moment: one wins, the other is told, nothing is lost.

Real concurrent requests on separate database connections. On PostgreSQL (CI's second run) the
writers queue on the submission's row lock; on SQLite on its IMMEDIATE transactions.
"""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from indicators.models import Indicator, Measurement
from tests.html import soup

URL_KWARGS = {"code": "CL-CO", "year": 2012, "product": 1}


def form_data(client, url):
    page = soup(client.get(url))
    return {field["name"]: field.get("value", "") for field in page.select("form input[name]")}


@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_of_the_same_value(camila, ana):
    url = reverse("indicators:entry", kwargs=URL_KWARGS)
    indicator = Indicator.objects.get(code="CO-01")
    name = f"c{indicator.pk}_2010_efectivo_n"
    people = [("camila", camila, "270"), ("ana", ana, "275")]
    forms = {}
    for label, user, _value in people:
        client = Client()
        client.force_login(user)
        forms[label] = (client, form_data(client, url))

    barrier = threading.Barrier(len(people))
    results: dict[str, int] = {}

    def save(label, value):
        client, data = forms[label]
        data = {**data, name: value}
        try:
            barrier.wait(timeout=10)
            results[label] = client.post(url, data).status_code
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(label, value)) for label, _user, value in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(results.values()) == [302, 409], results
    winner = next(label for label, status in results.items() if status == 302)
    stored = Measurement.objects.get(indicator=indicator, year=2010, kind="efectivo")
    assert stored.numerator == Decimal({label: value for label, _u, value in people}[winner])
    assert stored.version == 2
    assert Measurement.history.filter(indicator=indicator, year=2010, history_type="~").count() == 1
