"""The illustrative (demonstration) cycle: an evaluated 2011 cycle for the regions that existed in 2011. Pure
data: no ORM; `results.demo` loads it through the services.

Everything here is invented to show the application at work (results, reviews, causes, commitments);
none of it is DIPRES's or any regional government's. The document's own cycle, 2012, only has metas,
so its dashboards are all «pendiente»: this cycle has efectivos 2007–2011, the 2010 estimado and the
2011 meta, so its dashboards, ranking and heat map show something. Ñuble (CL-NB) exists only from
2018-09-06 and has no 2011 data; Arica y Parinacota and Los Ríos, created in October 2007, have no
2007 efectivo.

Each region's weights add up to 100. With the cycle's default rules (cumplido ≥ 95 %, parcialmente
≥ 80 %, all-or-nothing weighting, full bonus ≥ 90 %, half ≥ 75 %) the institutional compliance of each
region is, worked by hand (the tests assert some of it):

    100 %  Arica y Parinacota, Atacama, Los Ríos, Magallanes, Maule        → 7,6 %
    100 %  Valparaíso (ILU-02 missed, its external causes accepted: out)    → 7,6 %
     80 %  Metropolitana (ILU-03 missed), Los Lagos (ILU-02 missed)          → 3,8 %
     75 %  Tarapacá (ILU-02: 40,0 / 45,5 days = 87,91 %, parcialmente)        → 3,8 %
     70 %  Biobío (ILU-03 missed, external causes rejected)                  → 0
     70 %  Coquimbo, provisional (ILU-03 has no 2011 efectivo yet)           → 0
     60 %  Antofagasta (ILU-02 missed), O'Higgins (ILU-01 parcialmente)       → 0
     50 %  Aysén (ILU-02 parcialmente)                                       → 0
      0 %  La Araucanía, provisional (no 2011 efectivo at all)               → 0
"""

from __future__ import annotations

from dataclasses import dataclass

YEAR = 2011
FIRST_YEAR = 2007  # the cycle's window: four years of history (t-4 … t)
CODE_PREFIX = "ILU-"  # the document's codes are «AN-01», «CO-01», «BI-01»: these never collide

# The demonstration's submission states, as evaluation.models.SubmissionStatus spells them.
DRAFT, SENT, RETURNED, APPROVED = "borrador", "enviado", "devuelto", "aprobado"

# Who enters a region's data: the analyst the demonstration creates for the regions without document data
# (it is removed with the demonstration), or a login of create_demo_users.
DEMO_ANALYST = "analista.demo"
DEMO_ANALYST_EMAIL = "analista.demo@gore.example.cl"  # as every demo login, an address of the demo's own


@dataclass(frozen=True)
class Kind:
    """A plausible GORE indicator, the same in every region that commits it."""

    product: int  # 1: the FNDR investment product; 2: its supervision and management
    name: str
    formula: str
    numerator: str
    denominator: str  # empty for a count
    unit: str
    factor: int
    decimals: int
    dimension: str
    control_scope: str
    direction: str
    is_share: bool
    verification: str


PRODUCTS = {
    1: (
        "Financiamiento de la inversión regional (FNDR)",
        "Selección, financiamiento y ejecución presupuestaria de las iniciativas de inversión del Fondo Nacional "
        "de Desarrollo Regional.",
    ),
    2: (
        "Supervisión y gestión de la inversión regional",
        "Tramitación, supervisión técnica y seguimiento de los proyectos financiados por el Gobierno Regional.",
    ),
}

# What each demonstration product delivers, and an illustrative cost per unit (M$) its outputs are derived from:
# a region's output is its executed money over that cost, varied by region so that costs differ between them.
PRODUCT_UNITS = {1: "iniciativas de inversión financiadas", 2: "proyectos supervisados"}
UNIT_COSTS = {1: 420_000, 2: 38_000}

KINDS = {
    "A": Kind(
        product=1,
        name="Porcentaje de ejecución del presupuesto de inversión del FNDR en el año t",
        formula="(Monto devengado de la inversión FNDR en el año t / Marco presupuestario FNDR vigente al 31 de "
        "diciembre del año t) × 100",
        numerator="Monto devengado de la inversión FNDR en el año t (M$)",
        denominator="Marco presupuestario FNDR vigente al 31 de diciembre del año t (M$)",
        unit="porcentaje",
        factor=100,
        decimals=1,
        dimension="economia",
        control_scope="proceso",
        direction="ascendente",
        is_share=True,
        verification="Informe de ejecución presupuestaria SIGFE al 31 de diciembre.",
    ),
    "B": Kind(
        product=2,
        name="Tiempo promedio de tramitación de los proyectos FNDR, desde su ingreso al Gobierno Regional hasta "
        "su aprobación por el Consejo Regional, en el año t",
        formula="Σ días corridos entre el ingreso y la aprobación de cada proyecto aprobado en el año t / Nº de "
        "proyectos aprobados en el año t",
        numerator="Σ días corridos entre el ingreso y la aprobación de los proyectos aprobados en el año t",
        denominator="Nº de proyectos aprobados por el Consejo Regional en el año t",
        unit="dias",
        factor=1,
        decimals=1,
        dimension="eficiencia",
        control_scope="proceso",
        direction="descendente",
        is_share=False,
        verification="Registro de proyectos de la División de Análisis y Control de Gestión; actas del Consejo "
        "Regional.",
    ),
    "C": Kind(
        product=1,
        name="Porcentaje de iniciativas de inversión postuladas al FNDR que obtienen recomendación favorable "
        "(RS) del Ministerio de Desarrollo Social en el año t",
        formula="(Nº de iniciativas con RS en el año t / Nº de iniciativas postuladas en el año t) × 100",
        numerator="Nº de iniciativas de inversión con recomendación favorable (RS) en el año t",
        denominator="Nº de iniciativas de inversión postuladas al FNDR en el año t",
        unit="porcentaje",
        factor=100,
        decimals=0,
        dimension="calidad",
        control_scope="producto",
        direction="ascendente",
        is_share=True,
        verification="Banco Integrado de Proyectos (BIP).",
    ),
    "D": Kind(
        product=2,
        name="Porcentaje de proyectos FNDR terminados dentro del plazo programado en el año t",
        formula="(Nº de proyectos terminados dentro del plazo programado en el año t / Nº de proyectos terminados "
        "en el año t) × 100",
        numerator="Nº de proyectos FNDR terminados dentro del plazo programado en el año t",
        denominator="Nº de proyectos FNDR terminados en el año t",
        unit="porcentaje",
        factor=100,
        decimals=0,
        dimension="eficacia",
        control_scope="producto",
        direction="ascendente",
        is_share=True,
        verification="Actas de recepción de obras; programación de los convenios de transferencia.",
    ),
    "E": Kind(
        product=2,
        name="Número de visitas de supervisión técnica a obras financiadas por el FNDR en el año t",
        formula="Nº de visitas de supervisión técnica realizadas en el año t",
        numerator="Nº de visitas de supervisión técnica a obras FNDR realizadas en el año t",
        denominator="",
        unit="numero",
        factor=1,
        decimals=0,
        dimension="eficacia",
        control_scope="proceso",
        direction="ascendente",
        is_share=False,
        verification="Informes de visita firmados por el supervisor y la unidad técnica.",
    ),
    "F": Kind(
        product=2,
        name="Porcentaje del gasto de funcionamiento sobre el presupuesto total del Gobierno Regional en el año t",
        formula="(Gasto en personal y en bienes y servicios de consumo del año t / Presupuesto total del Gobierno "
        "Regional del año t) × 100",
        numerator="Gasto devengado en personal y en bienes y servicios de consumo en el año t (M$)",
        denominator="Presupuesto total del Gobierno Regional en el año t (M$)",
        unit="porcentaje",
        factor=100,
        decimals=1,
        dimension="economia",
        control_scope="proceso",
        direction="descendente",
        is_share=True,
        verification="Informe de ejecución presupuestaria SIGFE al 31 de diciembre.",
    ),
    "G": Kind(
        product=1,
        name="Porcentaje de comunas de la región con al menos un proyecto FNDR terminado en el año t",
        formula="(Nº de comunas con al menos un proyecto FNDR terminado en el año t / Nº de comunas de la región) "
        "× 100",
        numerator="Nº de comunas con al menos un proyecto FNDR terminado en el año t",
        denominator="Nº de comunas de la región",
        unit="porcentaje",
        factor=100,
        decimals=0,
        dimension="eficacia",
        control_scope="resultado_intermedio",
        direction="ascendente",
        is_share=True,
        verification="Banco Integrado de Proyectos (BIP); actas de recepción de obras.",
    ),
    "H": Kind(
        product=1,
        name="Porcentaje de transferencias del 2 % del FNDR (cultura, deporte y seguridad) rendidas dentro del "
        "plazo en el año t",
        formula="(Nº de transferencias del 2 % rendidas dentro del plazo en el año t / Nº de transferencias del "
        "2 % con rendición exigible en el año t) × 100",
        numerator="Nº de transferencias del 2 % rendidas dentro del plazo en el año t",
        denominator="Nº de transferencias del 2 % con rendición exigible en el año t",
        unit="porcentaje",
        factor=100,
        decimals=0,
        dimension="calidad",
        control_scope="producto",
        direction="ascendente",
        is_share=True,
        verification="Registro de rendiciones del Departamento de Finanzas.",
    ),
}

Pair = tuple[int, int | None]  # (numerator, denominator); a count has no denominator


@dataclass(frozen=True)
class Analysis:
    """The análisis del resultado: causes of a miss (and whether DIPRES accepts them as external), or the
    justification of a sobrecumplimiento."""

    causes: str = ""
    external: bool = False
    accepted: bool | None = None  # DIPRES's decision, taken while the data is sent
    justification: str = ""


@dataclass(frozen=True)
class Commitment:
    """A compromiso de mejora; its due date is counted from the day the demonstration is loaded."""

    description: str
    owner: str
    due_in_days: int
    status: str = "pendiente"
    follow_up: str = ""


@dataclass(frozen=True)
class Figures:
    """An indicator of one region: its weight and figures (efectivo 2007–2011, estimado 2010, meta 2011)."""

    kind: str
    weight: int
    actuals: list[Pair | None]  # 2007 … 2011; None: not entered
    estimate: Pair
    target: Pair
    analysis: Analysis | None = None
    commitment: Commitment | None = None
    evidence: str = ""  # the name of an illustrative medio de verificación for the 2011 efectivo

    def cells(self) -> list[tuple[int, str, Pair]]:
        """Return every figure as (year, kind, (numerator, denominator))."""
        cells = [(FIRST_YEAR + i, "efectivo", pair) for i, pair in enumerate(self.actuals) if pair is not None]
        return [*cells, (YEAR - 1, "estimado", self.estimate), (YEAR, "meta", self.target)]


@dataclass(frozen=True)
class DemoRegion:
    """A region's part of the demonstration: its indicators (coded ILU-01… in this order), how far its
    submission went, the reviewer's comment, and the budget of its supervision product (the FNDR product's
    budget is its execution indicator's 2011 figures)."""

    code: str
    status: str
    indicators: list[Figures]
    review_comment: str = ""
    supervision_budget: tuple[int, int] | None = None  # (allocated, executed) M$ 2011
    analyst: str = DEMO_ANALYST  # the username that enters the region's data


_OVERDUE = -45  # days: the one improvement commitment past its date

REGIONS = [
    DemoRegion(
        "CL-AP",
        APPROVED,
        [
            Figures(
                "A",
                40,
                [
                    None,
                    (21_177_165, 23_929_000),
                    (23_082_150, 25_365_000),
                    (25_031_797, 26_887_000),
                    (27_474_000, 28_500_000),
                ],
                (25_004_910, 26_887_000),
                (26_668_400, 28_072_000),
            ),
            Figures("C", 30, [None, (44, 62), (52, 70), (57, 75), (65, 81)], (58, 75), (63, 81)),
            Figures("E", 30, [None, (96, None), (118, None), (131, None), (152, None)], (135, None), (145, None)),
        ],
        review_comment="Sin observaciones.",
        supervision_budget=(1_150_000, 1_082_000),
    ),
    DemoRegion(
        "CL-TA",
        SENT,
        [
            Figures(
                "A",
                30,
                [
                    (21_038_010, 25_347_000),
                    (23_213_952, 26_868_000),
                    (25_603_520, 28_480_000),
                    (27_834_258, 30_189_000),
                    (30_656_000, 32_000_000),
                ],
                (27_773_880, 30_189_000),
                (29_944_000, 31_520_000),
            ),
            Figures(
                "B",
                25,
                [(5_104, 88), (5_178, 95), (5_096, 104), (5_208, 112), (5_824, 128)],
                (5_040, 112),
                (5_120, 128),
                analysis=Analysis(
                    causes="Ingresaron 128 proyectos, 14 % más que en 2010, mientras dos de los cinco analistas de "
                    "la División de Análisis y Control de Gestión dejaron el servicio: los proyectos esperaron en "
                    "promedio nueve días su primera revisión."
                ),
                commitment=Commitment(
                    "Incorporar una lista de chequeo de admisibilidad al ingreso de los proyectos y un tablero "
                    "semanal de plazos por analista.",
                    "Jefatura de la División de Análisis y Control de Gestión",
                    120,
                ),
            ),
            Figures("C", 25, [(44, 64), (51, 70), (58, 77), (65, 83), (74, 90)], (65, 83), (72, 90)),
            Figures("G", 20, [(4, 7), (5, 7), (5, 7), (6, 7), (7, 7)], (6, 7), (6, 7)),
        ],
        supervision_budget=(1_380_000, 1_297_000),
    ),
    DemoRegion(
        "CL-AN",
        RETURNED,
        [
            Figures(
                "A",
                60,
                [
                    (39_095_791, 45_941_000),
                    (42_708_146, 48_698_000),
                    (46_664_480, 51_620_000),
                    (50_667_942, 54_717_000),
                    (55_274_000, 58_000_000),
                ],
                (50_613_225, 54_717_000),
                (54_273_500, 57_130_000),
            ),
            Figures(
                "D",
                40,
                [(22, 38), (25, 41), (30, 47), (35, 52), (26, 50)],
                (35, 52),
                (38, 50),
                analysis=Analysis(causes="Retrasos en obras de agua potable rural por modificaciones de contrato."),
                commitment=Commitment(
                    "Revisar cada mes con las unidades técnicas el avance físico de cada obra e informar al Consejo "
                    "Regional los atrasos de más de 30 días.",
                    "Jefatura de la División de Control de Gestión",
                    _OVERDUE,
                ),
            ),
        ],
        review_comment="La causa informada para ILU-02 es insuficiente: detalle cada obra atrasada, el motivo y los "
        "días de atraso, y adjunte el informe de la unidad técnica. El compromiso de mejora está vencido: informe "
        "su avance.",
        supervision_budget=(2_250_000, 2_084_000),
        analyst="admin",
    ),
    DemoRegion(
        "CL-AT",
        APPROVED,
        [
            Figures(
                "A",
                35,
                [
                    (23_524_875, 28_515_000),
                    (25_994_360, 30_226_000),
                    (28_771_920, 32_040_000),
                    (31_720_508, 33_962_000),
                    (34_956_000, 36_000_000),
                ],
                (31_584_660, 33_962_000),
                (33_687_000, 35_460_000),
            ),
            Figures(
                "B", 35, [(4_270, 70), (4_218, 74), (4_244, 81), (4_080, 85), (3_818, 92)], (4_080, 85), (4_140, 92)
            ),
            Figures(
                "E",
                30,
                [(86, None), (95, None), (104, None), (112, None), (180, None)],
                (115, None),
                (120, None),
                analysis=Analysis(
                    justification="La emergencia hídrica obligó a visitas conjuntas con la Dirección de Obras "
                    "Hidráulicas a los proyectos de agua potable rural; no se repetirá en 2012, por lo que la meta "
                    "no se ajusta."
                ),
            ),
        ],
        supervision_budget=(1_420_000, 1_391_000),
    ),
    DemoRegion(
        "CL-CO",
        DRAFT,
        [
            Figures(
                "A",
                40,
                [
                    (35_422_540, 41_189_000),
                    (38_508_120, 43_660_000),
                    (41_929_680, 46_280_000),
                    (45_623_010, 49_057_000),
                    (49_920_000, 52_000_000),
                ],
                (45_132_440, 49_057_000),
                (48_659_000, 51_220_000),
            ),
            Figures("C", 30, [(77, 110), (86, 118), (95, 126), (101, 131), (114, 140)], (100, 131), (112, 140)),
            Figures("H", 30, [(119, 160), (135, 172), (151, 185), (165, 196), None], (164, 196), (179, 210)),
        ],
        analyst="analista.coquimbo",
    ),
    DemoRegion(
        "CL-VS",
        APPROVED,
        [
            Figures(
                "A",
                25,
                [
                    (40_111_944, 47_526_000),
                    (43_827_990, 50_377_000),
                    (47_045_400, 53_400_000),
                    (52_019_076, 56_604_000),
                    (58_020_000, 60_000_000),
                ],
                (51_509_640, 56_604_000),
                (56_145_000, 59_100_000),
            ),
            Figures(
                "B",
                20,
                [(6_650, 140), (6_493, 151), (6_602, 163), (6_952, 158), (9_240, 176)],
                (6_636, 158),
                (6_160, 176),
                analysis=Analysis(
                    causes="La cartera de reconstrucción posterior al terremoto del 27 de febrero de 2010 sumó 41 "
                    "proyectos que requirieron informes de la Dirección de Arquitectura y del Consejo de Monumentos "
                    "Nacionales, cuyos plazos no dependen del Gobierno Regional.",
                    external=True,
                    accepted=True,
                ),
                evidence="Oficio de la Dirección de Arquitectura sobre la cartera de reconstrucción",
            ),
            Figures("C", 20, [(107, 150), (120, 162), (130, 171), (139, 180), (162, 195)], (140, 180), (156, 195)),
            Figures("D", 20, [(38, 62), (45, 70), (52, 77), (50, 72), (61, 81)], (50, 72), (58, 81)),
            Figures("G", 15, [(24, 38), (26, 38), (27, 38), (29, 38), (32, 38)], (29, 38), (30, 38)),
        ],
        review_comment="Se aceptan las causas externas de ILU-02, respaldadas por el oficio adjunto.",
        supervision_budget=(2_640_000, 2_503_000),
    ),
    DemoRegion(
        "CL-RM",
        SENT,
        [
            Figures(
                "A",
                30,
                [
                    (62_889_399, 72_873_000),
                    (68_593_560, 77_245_000),
                    (73_855_760, 81_880_000),
                    (81_150_520, 86_792_000),
                    (88_228_000, 92_000_000),
                ],
                (80_716_560, 86_792_000),
                (86_089_000, 90_620_000),
            ),
            Figures(
                "B",
                30,
                [(11_550, 210), (11_924, 228), (12_024, 240), (12_083, 256), (11_826, 270)],
                (12_032, 256),
                (12_150, 270),
            ),
            Figures(
                "D",
                20,
                [(58, 90), (66, 96), (75, 104), (83, 110), (72, 120)],
                (84, 110),
                (96, 120),
                analysis=Analysis(
                    causes="La quiebra de la empresa contratista de dos obras mayores (un CESFAM y una piscina "
                    "municipal) detuvo su ejecución durante cinco meses, hasta su nueva licitación.",
                    external=True,
                ),
                commitment=Commitment(
                    "Exigir un informe financiero trimestral a los contratistas de obras de más de M$ 1.000.000 y "
                    "alertar su deterioro a la unidad técnica.",
                    "Jefatura de la División de Presupuesto e Inversión Regional",
                    150,
                ),
            ),
            Figures(
                "F",
                20,
                [
                    (5_624_000, 76_000_000),
                    (5_635_000, 80_500_000),
                    (5_623_200, 85_200_000),
                    (5_586_200, 90_100_000),
                    (5_568_000, 96_000_000),
                ],
                (5_676_300, 90_100_000),
                (5_760_000, 96_000_000),
            ),
        ],
        supervision_budget=(3_980_000, 3_712_000),
    ),
    DemoRegion(
        "CL-LI",
        DRAFT,
        [
            Figures(
                "A",
                40,
                [
                    (30_297_400, 35_644_000),
                    (33_211_257, 37_783_000),
                    (35_764_650, 40_050_000),
                    (38_419_965, 42_453_000),
                    (36_765_000, 45_000_000),
                ],
                (38_207_700, 42_453_000),
                (42_108_750, 44_325_000),
            ),
            Figures("C", 35, [(66, 95), (73, 101), (80, 108), (88, 116), (99, 124)], (88, 116), (97, 124)),
            Figures("G", 25, [(18, 33), (20, 33), (22, 33), (24, 33), (27, 33)], (25, 33), (26, 33)),
        ],
    ),
    DemoRegion(
        "CL-ML",
        SENT,
        [
            Figures(
                "A",
                25,
                [
                    (37_614_736, 44_357_000),
                    (41_047_587, 47_019_000),
                    (44_806_160, 49_840_000),
                    (48_973_410, 52_830_000),
                    (53_536_000, 56_000_000),
                ],
                (48_603_600, 52_830_000),
                (52_402_000, 55_160_000),
            ),
            Figures(
                "B",
                25,
                [(6_864, 120), (6_886, 128), (6_987, 137), (7_308, 151), (7_184, 160)],
                (7_248, 151),
                (7_360, 160),
            ),
            Figures("C", 25, [(85, 120), (95, 130), (104, 138), (117, 150), (132, 162)], (117, 150), (130, 162)),
            Figures(
                "E", 25, [(190, None), (214, None), (236, None), (251, None), (278, None)], (255, None), (270, None)
            ),
        ],
        supervision_budget=(2_310_000, 2_219_000),
    ),
    DemoRegion(
        "CL-BI",
        RETURNED,
        [
            Figures(
                "A",
                35,
                [
                    (57_632_768, 67_328_000),
                    (62_803_840, 71_368_000),
                    (68_311_950, 75_650_000),
                    (73_613_502, 80_189_000),
                    (80_920_000, 85_000_000),
                ],
                (73_773_880, 80_189_000),
                (79_538_750, 83_725_000),
            ),
            Figures("D", 35, [(53, 80), (61, 88), (67, 94), (73, 99), (84, 110)], (73, 99), (83, 110)),
            Figures(
                "F",
                30,
                [
                    (4_504_500, 71_500_000),
                    (4_554_000, 75_900_000),
                    (4_657_400, 80_300_000),
                    (4_782_400, 85_400_000),
                    (6_516_000, 90_500_000),
                ],
                (4_867_800, 85_400_000),
                (4_977_500, 90_500_000),
                analysis=Analysis(
                    causes="El reajuste general de remuneraciones del sector público y el aumento de la asignación "
                    "de zona elevaron el gasto en personal por sobre lo previsto.",
                    external=True,
                    accepted=False,
                ),
                commitment=Commitment(
                    "Congelar los contratos a honorarios no asociados a proyectos y revisar la dotación de la "
                    "División de Administración y Finanzas.",
                    "Jefatura de la División de Administración y Finanzas",
                    90,
                    status="en_curso",
                    follow_up="Desde marzo se congelaron seis contratos a honorarios; la revisión de la dotación "
                    "sigue en curso.",
                ),
            ),
        ],
        review_comment="DIPRES no acepta como externas las causas de ILU-03: el gasto en personal depende de "
        "decisiones del propio Gobierno Regional. Corrija el análisis y precise el compromiso de mejora.",
        supervision_budget=(3_450_000, 3_402_000),
        analyst="analista.biobio",
    ),
    DemoRegion(
        "CL-AR",
        DRAFT,
        [
            Figures(
                "A",
                50,
                [
                    (46_630_927, 55_447_000),
                    (50_838_645, 58_773_000),
                    (55_260_100, 62_300_000),
                    (60_226_656, 66_038_000),
                    None,
                ],
                (60_094_580, 66_038_000),
                (65_502_500, 68_950_000),
            ),
            Figures("G", 50, [(15, 32), (17, 32), (19, 32), (21, 32), None], (22, 32), (24, 32)),
        ],
    ),
    DemoRegion(
        "CL-LR",
        APPROVED,
        [
            Figures(
                "A",
                40,
                [
                    None,
                    (24_407_685, 28_547_000),
                    (26_901_140, 30_260_000),
                    (29_509_000, 32_075_000),
                    (32_708_000, 34_000_000),
                ],
                (29_188_250, 32_075_000),
                (31_815_500, 33_490_000),
            ),
            Figures("B", 30, [None, (3_190, 58), (3_399, 66), (3_449, 72), (3_373, 79)], (3_456, 72), (3_555, 79)),
            Figures("C", 30, [None, (37, 52), (44, 60), (50, 66), (57, 71)], (49, 66), (55, 71)),
        ],
        review_comment="Sin observaciones.",
        supervision_budget=(1_240_000, 1_188_000),
    ),
    DemoRegion(
        "CL-LL",
        APPROVED,
        [
            Figures(
                "A",
                30,
                [
                    (41_694_390, 49_110_000),
                    (45_496_944, 52_056_000),
                    (49_662_000, 55_180_000),
                    (54_279_648, 58_491_000),
                    (59_210_000, 62_000_000),
                ],
                (54_104_175, 58_491_000),
                (58_016_500, 61_070_000),
            ),
            Figures(
                "B",
                20,
                [(6_760, 130), (6_776, 138), (7_003, 149), (7_161, 155), (10_080, 168)],
                (7_130, 155),
                (7_560, 168),
                analysis=Analysis(
                    causes="La puesta en marcha del nuevo sistema de seguimiento de proyectos obligó a recargar a mano "
                    "la cartera durante el primer semestre, lo que duplicó los tiempos de revisión."
                ),
                commitment=Commitment(
                    "Completar la migración de la cartera al nuevo sistema y fijar un plazo interno de 30 días para "
                    "la primera revisión de cada proyecto.",
                    "Jefatura de la División de Análisis y Control de Gestión",
                    180,
                ),
            ),
            Figures("D", 25, [(46, 70), (52, 76), (58, 81), (65, 88), (74, 95)], (65, 88), (71, 95)),
            Figures("H", 25, [(137, 180), (152, 192), (166, 205), (179, 214), (203, 230)], (180, 214), (196, 230)),
        ],
        supervision_budget=(2_480_000, 2_297_000),
    ),
    DemoRegion(
        "CL-AI",
        SENT,
        [
            Figures(
                "A",
                50,
                [
                    (19_794_579, 23_763_000),
                    (21_813_674, 25_189_000),
                    (23_816_400, 26_700_000),
                    (26_066_142, 28_302_000),
                    (28_620_000, 30_000_000),
                ],
                (26_037_840, 28_302_000),
                (28_072_500, 29_550_000),
            ),
            Figures(
                "E",
                50,
                [(98, None), (110, None), (121, None), (134, None), (128, None)],
                (138, None),
                (150, None),
                analysis=Analysis(
                    causes="Dos de los cuatro supervisores estuvieron con licencia médica prolongada en el segundo "
                    "semestre y no fueron reemplazados."
                ),
                commitment=Commitment(
                    "Programar las visitas por provincia al inicio del año y designar supervisores de reemplazo.",
                    "Jefatura del Departamento de Supervisión de Proyectos",
                    60,
                ),
            ),
        ],
        supervision_budget=(1_090_000, 962_000),
    ),
    DemoRegion(
        "CL-MA",
        DRAFT,
        [
            Figures(
                "A",
                40,
                [
                    (22_270_428, 26_139_000),
                    (24_299_039, 27_707_000),
                    (26_462_370, 29_370_000),
                    (28_921_628, 31_132_000),
                    (31_713_000, 33_000_000),
                ],
                (28_797_100, 31_132_000),
                (30_879_750, 32_505_000),
            ),
            Figures("C", 30, [(34, 48), (38, 52), (43, 57), (47, 61), (54, 66)], (47, 61), (52, 66)),
            Figures("G", 30, [(6, 11), (7, 11), (7, 11), (8, 11), (10, 11)], (8, 11), (9, 11)),
        ],
    ),
]


# Illustrative evaluations of programs and of the institution, in the document's cycle (2012) of its three
# GOREs, labelled «ilustrativo» on every page: the document names the kinds of evaluation, not any evaluated
# program. DIPRES (revisor.dipres) records them; the region's analyst follows the commitments up.
DOCUMENT_YEAR = 2012
# The document's cycle gets an illustrative deadline for its stage this many days after the load (reminders).
DEADLINE_IN_DAYS = 7


@dataclass(frozen=True)
class DemoCommitment:
    description: str
    owner: str
    due_in_days: int  # from the day the demonstration is loaded (negative: already due)


@dataclass(frozen=True)
class DemoEvaluation:
    code: str  # the region
    line: str  # programs.defaults.LINES code
    program: str  # empty: the institution
    evaluator: str
    verdict: str  # the code of a verdict of the cycle's list; empty: still running
    started: tuple[int, int, int]
    finished: tuple[int, int, int] | None
    summary: str
    product: int | None = None  # the number of the region's product the program delivers
    commitments: tuple[DemoCommitment, ...] = ()


EVALUATIONS = [
    DemoEvaluation(
        "CL-BI",
        "epg",
        "Programa Regional de Saneamiento Sanitario Rural",
        "Panel de evaluadores externos (ilustrativo)",
        "modificaciones",
        (2011, 3, 1),
        (2011, 8, 31),
        "Ejemplo ilustrativo: el programa cumple su propósito en cobertura, pero no mide la continuidad del "
        "servicio una vez entregadas las obras y su matriz de marco lógico no distingue componentes.",
        commitments=(
            DemoCommitment(
                "Rediseñar la matriz de marco lógico con indicadores de continuidad del servicio.",
                "Jefatura de la División de Planificación y Desarrollo Regional",
                -30,
            ),
            DemoCommitment(
                "Publicar en el portal del GORE el catastro de sistemas de agua potable rural financiados.",
                "Jefatura de la División de Análisis y Control de Gestión",
                -10,
            ),
            DemoCommitment(
                "Incorporar al convenio con los municipios la entrega anual de datos de operación de los sistemas.",
                "Jefatura de la División de Planificación y Desarrollo Regional",
                90,
            ),
        ),
    ),
    DemoEvaluation(
        "CL-BI",
        "ex-ante",
        "Programa de Fomento al Riego Campesino",
        "DIPRES, División de Control de Gestión (ilustrativo)",
        "recomendado",
        (2011, 9, 1),
        (2011, 10, 15),
        "Ejemplo ilustrativo: el diseño identifica su población objetivo y sus indicadores de propósito; se "
        "recomienda favorablemente antes de la formulación del presupuesto 2012.",
        product=1,
    ),
    DemoEvaluation(
        "CL-BI",
        "ecg",
        "",
        "Consultora externa (ilustrativo)",
        "ajustes-menores",
        (2011, 4, 1),
        (2011, 12, 20),
        "Ejemplo ilustrativo: la estructura de costos del gobierno regional es coherente con sus productos "
        "estratégicos; se sugiere imputar los gastos de administración por producto.",
        commitments=(
            DemoCommitment(
                "Imputar los gastos de administración a cada producto estratégico en la formulación 2013.",
                "Jefatura de la División de Administración y Finanzas",
                150,
            ),
        ),
    ),
    # Coquimbo's one product is its information and communication service: the program evaluated ex ante is
    # one it delivers, recommended before the 2012 budget its allocation is in (so the budget is not flagged).
    DemoEvaluation(
        "CL-CO",
        "ex-ante",
        "Programa Gobierno Regional en Terreno",
        "DIPRES, División de Control de Gestión (ilustrativo)",
        "recomendado",
        (2011, 9, 1),
        (2011, 10, 20),
        "Ejemplo ilustrativo: el programa lleva la información del Gobierno Regional y la atención de las consultas "
        "ciudadanas a las comunas sin oficina regional; identifica su población objetivo y sus indicadores de "
        "propósito, y se recomienda favorablemente antes de la formulación del presupuesto 2012.",
        product=1,
    ),
    DemoEvaluation(
        "CL-CO",
        "epg",
        "Programa de Mejoramiento de Barrios Regional",
        "Panel de evaluadores externos (ilustrativo)",
        "rediseno",
        (2011, 3, 1),
        (2011, 8, 31),
        "Ejemplo ilustrativo: el programa superpone sus beneficiarios con programas nacionales similares.",
        commitments=(
            DemoCommitment(
                "Acordar con el Ministerio de Vivienda un criterio de focalización que evite duplicar beneficiarios.",
                "Jefatura de la División de Planificación y Desarrollo Regional",
                -20,
            ),
            DemoCommitment(
                "Rediseñar el programa con un componente de mantención comunitaria.",
                "Jefatura de la División de Planificación y Desarrollo Regional",
                120,
            ),
        ),
    ),
    DemoEvaluation(
        "CL-AN",
        "impacto",
        "Programa Regional de Becas de Especialización",
        "Centro universitario de estudios (ilustrativo)",
        "",
        (2012, 1, 15),
        None,
        "Ejemplo ilustrativo: evaluación en curso; el informe final se espera para el segundo semestre.",
    ),
]


# An illustrative PROPIR: Biobío's 2010 list, generated so that it gives the document's 2010 efectivo of BI-01
# (1.045 initiatives put in execution of 1.095 programmed): the indicator's page shows it reconciled. A few
# initiatives have money without MIDEPLAN's RS, for DIPRES's flag. Entered in the illustrative 2011 cycle
# (whose window holds 2010), so that nothing of the demonstration touches the document's 2012 cycle.
PROPIR_REGION, PROPIR_YEAR = "CL-BI", 2010
PROPIR_PROGRAMMED, PROPIR_RUNNING, PROPIR_FINISHED = 1095, 1045, 310
PROPIR_SECTORS = ["Transporte", "Educación", "Salud", "Vivienda y desarrollo urbano", "Recursos hídricos", "Energía"]
PROPIR_COMUNAS = ["Concepción", "Los Ángeles", "Chillán", "Talcahuano", "Coronel", "Lebu", "Cañete", "Tomé"]
PROPIR_NAMES = [
    "Mejoramiento ruta rural",
    "Reposición escuela básica",
    "Construcción posta de salud rural",
    "Mejoramiento de plaza y espacios públicos",
    "Instalación de sistema de agua potable rural",
    "Electrificación rural",
]
PROPIR_UNRECOMMENDED = {17: "FI", 233: "OT", 488: "FI", 901: "OT", 1090: "FI"}  # row: result, all with money


def propir_rows() -> list[dict]:
    """Return the illustrative initiatives as plain values (the loader turns them into the service's input)."""
    rows = []
    for n in range(PROPIR_PROGRAMMED):
        if n < PROPIR_FINISHED:
            state = "terminada"
        elif n < PROPIR_RUNNING:
            state = "en_ejecucion"
        else:
            state = "programada"
        programmed = 40_000 + (n * 7_919) % 900_000
        executed = (
            programmed if state == "terminada" else (programmed * (n % 9)) // 10 if state == "en_ejecucion" else 0
        )
        rows.append(
            {
                "bip_code": f"{30_000_000 + n * 37:08d}-{n % 10}",
                "name": f"{PROPIR_NAMES[n % len(PROPIR_NAMES)]} N° {n + 1}",
                "sector": PROPIR_SECTORS[n % len(PROPIR_SECTORS)],
                "comuna": PROPIR_COMUNAS[n % len(PROPIR_COMUNAS)],
                "programmed": programmed,
                "executed": executed,
                "result": PROPIR_UNRECOMMENDED.get(n, "RS"),
                "state": state,
            }
        )
    return rows


# Illustrative priority axes (the document says the Delivery Unit's axes link to each service's definiciones
# estratégicas but names none: these follow the government program of those years), the 2011 strategic
# definition of Biobío's demonstration that serves them, and medium-term (2014) targets of its objectives:
# ILU-01's 2011 meta is on the way to its target, ILU-02's asks less than the path needs (flagged).
AXES = [
    ("crecimiento", "Crecimiento económico", "Economic growth"),
    ("empleo", "Empleo", "Employment"),
    ("seguridad", "Seguridad ciudadana", "Public safety"),
    ("educacion", "Educación de calidad", "Quality education"),
    ("salud", "Salud", "Health"),
    ("pobreza", "Superación de la pobreza", "Overcoming poverty"),
    ("descentralizacion", "Calidad de la democracia y descentralización", "Quality of democracy and decentralisation"),
]
PLAN_REGION = "CL-BI"
PLAN_MISSION = (
    "Ejemplo ilustrativo: impulsar el desarrollo de la región invirtiendo los recursos del FNDR con oportunidad y "
    "calidad, en coordinación con los municipios y los servicios públicos."
)
# (number, description, axes, the demonstration products (1, 2) that serve it)
PLAN_OBJECTIVES = [
    (1, "Ejecutar oportunamente la inversión regional", ["crecimiento", "descentralizacion"], [1]),
    (2, "Mejorar la calidad y los plazos de los proyectos financiados", ["crecimiento", "empleo"], [2]),
]
# (indicator code, objective number, year, value in the indicator's unit)
MEDIUM_TERM = [("ILU-01", 1, 2014, 98), ("ILU-02", 2, 2014, 90)]


# Illustrative PMG commitments of the document's three GOREs in the demonstration's cycle (system code,
# stage committed, stage reported, stage DIPRES validated or None) and their self-assessment (criterion: score).
PMG = {
    "CL-AN": [("capacitacion", 4, 4, 4), ("oirs", 3, 3, 3), ("planificacion", 5, 5, 4), ("compras", 4, 4, None)],
    "CL-CO": [("capacitacion", 4, 4, 4), ("gobierno-electronico", 3, 3, 3), ("planificacion", 4, 4, 4)],
    "CL-BI": [("capacitacion", 3, 3, 3), ("oirs", 4, 4, 4), ("gestion-territorial", 3, 2, 2), ("genero", 2, 2, None)],
}
SELF_ASSESSMENT = {
    "CL-AN": {"liderazgo": 70, "planificacion-estrategica": 50, "personas": 60, "usuarios": 55, "resultados": 140},
    "CL-CO": {"liderazgo": 65, "planificacion-estrategica": 45, "usuarios": 70, "procesos": 50, "resultados": 120},
    "CL-BI": {"liderazgo": 80, "planificacion-estrategica": 55, "personas": 75, "informacion": 35, "resultados": 160},
}


# Illustrative planning of the document's three GOREs in its cycle (2012), labelled «ilustrativo» wherever shown
# and removed with the demonstration: the document gives their indicators, not their definiciones estratégicas,
# budgets or PMG. Entered by each region's analyst (the admin for Antofagasta) through the services while the
# 2012 cycle is in Discusión y aprobación. The medium-term targets (2014) put AN-01, AN-02 and CO-01's 2012
# metas on the way and BI-01's 96 % below the path from its 95,4 % of 2010 to 98 % (flagged).
@dataclass(frozen=True)
class DocumentPlan:
    code: str
    analyst: str
    mission: str
    objectives: tuple[tuple[int, str, tuple[str, ...], tuple[int, ...]], ...]  # number, text, axes, products
    targets: tuple[tuple[str, int, int, str], ...]  # indicator, objective, year, value in the indicator's unit
    budgets: tuple[tuple[int, int], ...]  # product number, allocated M$ (executed: not yet, the budget is a bill)
    pmg: tuple[tuple[str, int], ...]  # system code, stage committed


DOCUMENT_PLANS = [
    DocumentPlan(
        code="CL-AN",
        analyst="admin",
        mission=(
            "Ejemplo ilustrativo: conducir el desarrollo de la región de Antofagasta administrando la inversión "
            "regional con eficiencia, planificando su territorio y proyectándola hacia sus vecinos."
        ),
        objectives=(
            (
                1,
                "Ejecutar la inversión regional con oportunidad y eficiencia",
                ("crecimiento", "descentralizacion"),
                (1, 2),
            ),
            (2, "Ordenar el territorio regional e integrarlo con la macrozona andina", ("descentralizacion",), (3, 4)),
        ),
        targets=(("AN-01", 1, 2014, "99"), ("AN-02", 1, 2014, "95")),
        budgets=((1, 68_450_000), (2, 1_320_000), (3, 950_000), (4, 410_000)),
        pmg=(("capacitacion", 4), ("planificacion", 5), ("compras", 5), ("gobierno-electronico", 3)),
    ),
    DocumentPlan(
        code="CL-CO",
        analyst="analista.coquimbo",
        mission=(
            "Ejemplo ilustrativo: promover el desarrollo de la región de Coquimbo con una gestión cercana, que "
            "informa y responde a la ciudadanía con oportunidad."
        ),
        objectives=(
            (
                1,
                "Acercar el Gobierno Regional a la ciudadanía con información y respuestas oportunas",
                ("descentralizacion",),
                (1,),
            ),
        ),
        targets=(("CO-01", 1, 2014, "97"),),
        budgets=((1, 285_000),),
        pmg=(("capacitacion", 4), ("oirs", 4), ("gobierno-electronico", 4)),
    ),
    DocumentPlan(
        code="CL-BI",
        analyst="analista.biobio",
        mission=(
            "Ejemplo ilustrativo: impulsar el desarrollo de la región del Biobío poniendo en ejecución la inversión "
            "pública que programa, con los municipios y los servicios públicos."
        ),
        objectives=(
            (
                1,
                "Poner en ejecución oportunamente la inversión pública regional programada",
                ("crecimiento", "descentralizacion"),
                (0,),
            ),
        ),
        targets=(("BI-01", 1, 2014, "98"),),
        budgets=((0, 97_300_000),),
        pmg=(("capacitacion", 3), ("oirs", 4), ("gestion-territorial", 3), ("genero", 2)),
    ),
]
