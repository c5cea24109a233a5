"""A cycle's stages: what each one means for the pages and the data, and the record of the cycle's moves."""

from __future__ import annotations

from dataclasses import dataclass

from evaluation.models import EvaluationCycle, Stage
from evaluation.vocabulary import STAGE_MEANING

MEANING = STAGE_MEANING


@dataclass(frozen=True)
class StageMove:
    when: object
    who: object
    from_stage: str
    to_stage: str
    reason: str


def stage_moves(*, cycle: EvaluationCycle) -> list[StageMove]:
    """Return the cycle's moves between stages, newest first, from its history (one query)."""
    moves, previous = [], None
    for record in cycle.history.select_related("history_user").order_by("history_date", "history_id"):
        if previous is not None and record.stage != previous.stage:
            moves.append(
                StageMove(
                    record.history_date,
                    record.history_user,
                    Stage(previous.stage).label,
                    Stage(record.stage).label,
                    record.history_change_reason or "",
                )
            )
        previous = record
    return moves[::-1]
