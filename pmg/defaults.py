"""The PMG's management systems of those years and the criteria of the Modelo Chileno de Gestión de Excelencia
(ChileCalidad), shipped as configurable defaults (docs/domain.md §7f): a new cycle takes its predecessor's
systems, or these."""

from __future__ import annotations

from decimal import Decimal

from pmg.vocabulary import PmgArea

# (code, name, English name, area (pmg.vocabulary.PmgArea), stages)
SYSTEMS = [
    ("capacitacion", "Capacitación", "Training", PmgArea.HUMAN_RESOURCES, 4),
    (
        "higiene-seguridad",
        "Higiene, seguridad y mejoramiento de ambientes de trabajo",
        "Occupational health and safety",
        PmgArea.HUMAN_RESOURCES,
        4,
    ),
    ("evaluacion-desempeno", "Evaluación del desempeño", "Performance appraisal", PmgArea.HUMAN_RESOURCES, 4),
    (
        "oirs",
        "Sistema integral de información y atención ciudadana",
        "Citizen information and service",
        PmgArea.SERVICE_QUALITY,
        4,
    ),
    ("gobierno-electronico", "Gobierno electrónico", "E-government", PmgArea.SERVICE_QUALITY, 4),
    (
        "planificacion",
        "Planificación y control de gestión",
        "Planning and management control",
        PmgArea.PLANNING,
        6,
    ),
    ("auditoria", "Auditoría interna", "Internal audit", PmgArea.PLANNING, 4),
    ("gestion-territorial", "Gestión territorial", "Territorial management", PmgArea.PLANNING, 4),
    ("compras", "Compras y contrataciones del sector público", "Public procurement", PmgArea.FINANCE, 6),
    (
        "financiero-contable",
        "Administración financiero-contable",
        "Financial accounting",
        PmgArea.FINANCE,
        4,
    ),
    ("genero", "Enfoque de género", "Gender approach", PmgArea.GENDER, 4),
]

# (code, name, English name, maximum score): 1.000 points in all
CRITERIA = [
    ("liderazgo", "Liderazgo", "Leadership", 130),
    ("planificacion-estrategica", "Planificación estratégica", "Strategic planning", 90),
    ("personas", "Gestión y desarrollo de las personas", "People management and development", 140),
    ("usuarios", "Usuarios", "Users", 120),
    ("informacion", "Información y conocimiento", "Information and knowledge", 70),
    ("procesos", "Gestión de procesos", "Process management", 100),
    ("resultados", "Resultados", "Results", 350),
]


def systems_create(system_model, cycle, previous=None) -> None:
    """Give a cycle without management systems its PMG: a copy of the previous cycle's, or the defaults."""
    if system_model.objects.filter(cycle=cycle).exists():
        return
    source = list(system_model.objects.filter(cycle=previous)) if previous is not None else []
    fields = ("code", "name", "name_en", "area", "stages", "weight", "order")
    if source:
        rows = [system_model(cycle=cycle, **{name: getattr(s, name) for name in fields}) for s in source]
    else:
        weight = (Decimal(100) / len(SYSTEMS)).quantize(Decimal("0.01"))
        rows = [
            system_model(
                cycle=cycle, code=code, name=name, name_en=name_en, area=area, stages=stages, weight=weight, order=i
            )
            for i, (code, name, name_en, area, stages) in enumerate(SYSTEMS, start=1)
        ]
    system_model.objects.bulk_create(rows)


def criteria_create(criterion_model) -> None:
    present = set(criterion_model.objects.values_list("code", flat=True))
    criterion_model.objects.bulk_create(
        [
            criterion_model(code=code, name=name, name_en=name_en, max_score=score, order=i)
            for i, (code, name, name_en, score) in enumerate(CRITERIA, start=1)
            if code not in present
        ]
    )
