"""MIDEPLAN's (today MDSF's) technical results of the National Investment System, shipped as the configurable
catalogue's defaults (docs/domain.md §7d)."""

RESULTS = [
    ("RS", "Recomendado satisfactoriamente", "Satisfactorily recommended", True),
    ("FI", "Falta información", "Information missing", False),
    ("OT", "Objetado técnicamente", "Technically objected", False),
    ("IN", "Incumplimiento de normativa", "Regulations not met", False),
    ("RE", "Reevaluación", "Re-evaluation", False),
]


def results_create(result_model) -> None:
    """Create the default results that are missing (by code)."""
    present = set(result_model.objects.values_list("code", flat=True))
    result_model.objects.bulk_create(
        [
            result_model(code=code, name=name, name_en=name_en, is_recommended=recommended, order=order)
            for order, (code, name, name_en, recommended) in enumerate(RESULTS, start=1)
            if code not in present
        ]
    )
