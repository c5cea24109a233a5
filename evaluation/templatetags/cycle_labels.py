"""Template filters for the cycles' vocabularies: a classification and a submission status in words and colour.

Registered as template builtins (settings.TEMPLATES). Each filter reads the enum's own label: the words live
once, in evaluation.scoring and evaluation.models.
"""

from __future__ import annotations

from django import template

from evaluation.scoring import Classification
from evaluation.vocabulary import STAGE_MEANING, SubmissionStatus

register = template.Library()


@register.filter
def achievement_class(result) -> str:
    """Return the Bootstrap colour of an Achievement's classification (None: pending)."""
    return _classification(Classification.PENDING if result is None else result.classification).css


@register.filter
def achievement_label(result) -> str:
    """Return an Achievement's classification in words, or «pendiente» without efectivo or meta yet."""
    return _classification(Classification.PENDING if result is None else result.classification).label


@register.filter
def classification_class(classification: str) -> str:
    """Return the Bootstrap colour of a classification (the word is always shown beside it)."""
    return _classification(classification).css


@register.filter
def classification_label(classification: str) -> str:
    """Return a classification in words («pendiente» when there is no result yet)."""
    return _classification(classification).label


def _classification(code) -> Classification:
    try:
        return Classification(code)
    except ValueError:
        return Classification.PENDING


@register.filter
def submission_status_label(code: str) -> str:
    """Return a submission status code in words."""
    try:
        return str(SubmissionStatus(code).label)
    except ValueError:
        return str(code)


@register.filter
def stage_meaning(stage: str) -> str:
    """{{ cycle.stage|stage_meaning }}: what the stage is for and what it changes, in a sentence or two."""
    return str(STAGE_MEANING.get(stage, ""))
