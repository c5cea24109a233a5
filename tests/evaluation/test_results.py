"""Results as plain data: what a snapshot stores reads back the same; figures are valid plotly figures."""

from decimal import Decimal

import plotly.graph_objects as go

from evaluation.scoring import Rules
from indicators.charts import series_figure
from indicators.results import IndicatorResult
from results.summary import RegionResult, summarise

D = Decimal


def item(code, weight, classification, percent, dimension="calidad"):
    return IndicatorResult(
        code=code,
        name=code,
        product_number=1,
        product_name="P",
        dimension=dimension,
        control_scope="producto",
        unit="porcentaje",
        decimals=0,
        is_descending=False,
        is_illustrative=False,
        weight=D(weight),
        counts=True,
        excused=False,
        actual=D(90),
        target=D(95),
        percent=None if percent is None else D(percent),
        classification=classification,
        overachieved=False,
        trend="mejora",
        ambition=[],
        series=[(2010, "efectivo", D("93.2384")), (2012, "meta", D(95))],
    )


def result():
    return summarise(
        region_code="CL-CO",
        region_name="Coquimbo",
        government_name="GORE",
        cycle_year=2012,
        indicators=[
            item("A", 60, "cumplido", "100"),
            item("B", 40, "no_cumplido", "50", "eficacia"),
            item("C", 0, "pendiente", None),
        ],
        rules=Rules(),
        required_values=15,
        entered_values=12,
        submission_status="enviado",
        sent_on_time=True,
    )


def test_summary():
    summary = result()
    assert (summary.compliance, summary.bonus_rate, summary.bonus_share) == (D("60.00"), D(0), D(0))
    assert summary.counts == {"cumplido": 1, "parcialmente_cumplido": 0, "no_cumplido": 1, "pendiente": 1}
    assert summary.completeness == D(80)
    assert summary.dimension_share_met("calidad") == D(100)
    assert summary.dimension_share_met("eficacia") == D(0)
    assert summary.dimension_share_met("economia") is None


def test_snapshot_round_trip_is_exact():
    summary = result()
    back = RegionResult.from_json(summary.to_json())
    assert back.frozen is True
    back.frozen = False
    assert back == summary


def test_series_figure_is_a_valid_plotly_figure():
    figure = series_figure(
        actuals=[(2008, D("71.03")), (2009, D("92.02")), (2010, D("93.24")), (2012, D(76))],
        estimate=(2011, D("93.92")),
        target=(2012, D("95.42")),
        decimals=0,
        labels={"actual": "Efectivo", "estimate": "Estimado", "target": "Meta"},
    )
    go.Figure(data=figure["data"], layout=figure["layout"])  # raises on anything plotly.js would not accept
    assert figure["data"][0]["y"] == [71, 92, 93, 76]
    assert figure["data"][2]["marker"]["symbol"] == "star"
    assert figure["layout"]["shapes"][0]["y0"] == 95


def test_missing_values_are_gaps_not_zeros():
    figure = series_figure(
        actuals=[(2008, None), (2009, D(5))],
        estimate=None,
        target=None,
        decimals=1,
        labels={"actual": "a", "estimate": "e", "target": "m"},
    )
    assert figure["data"][0]["y"] == [None, 5.0]
    assert len(figure["data"]) == 1
