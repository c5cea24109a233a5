"""What `manage.py send_reminders` sends when it is due, so that nobody has to chase anyone:

- **Deadline reminders.** Each open cycle's deadline for its current stage (its `StageDeadline`, else its data
  deadline: evaluation.selectors.cycle_deadline) and the cycle's reminder days (before and after it). On the
  latest of those days reached, each analyst gets one notice of what their regions still lack in the cycle —
  the content of /pendientes/, in each language, so that it reads in whichever the notice is shown or mailed
  in — and nothing when they lack nothing. Its title counts the days from today, not from the reminder day
  (a day missed by cron is covered by the next run, which says how many days are really left).
- **Commitments.** A compromiso de mejora or institucional still open is announced once when it falls due within
  the notice window, and once more when overdue, to the people who answer for it.
- **Daily digests** of the notifications people chose to receive that way (notifications.services).
- **Retries** of the mails that failed (django-post-office's queue).

Every notice is keyed (notifications.SentReminder): running the command twice sends nothing twice. Days are
Chile's (settings.TIME_ZONE, America/Santiago): a run at 00:30 UTC is still the previous day there.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from post_office import mail as post_office_mail
from post_office.models import STATUS, Log

from evaluation.models import EvaluationCycle
from evaluation.selectors import cycle_deadline, cycles_open
from indicators.models import CommitmentStatus, ImprovementCommitment
from indicators.selectors import indicator_recipients
from notifications import selectors as notification_selectors
from notifications.models import SentReminder
from notifications.services import digests_send, notify
from notifications.vocabulary import Event
from programs.models import InstitutionalCommitment
from regions.models import Region
from results.selectors.pending import RegionPending, pending_for

OPEN = (CommitmentStatus.PENDING, CommitmentStatus.IN_PROGRESS)


@dataclass(frozen=True)
class RunReport:
    reminders: int
    commitments: int
    digests: int
    mails_sent: int
    mails_failed: int


def run(*, now: datetime.datetime | None = None) -> RunReport:
    """Send everything that is due now; each part commits on its own, so one failing never holds the others.

    The mails counted are every attempt made while it ran (the outbox's log): the notices and digests mailed at
    once as they are made, and the retries of those that had failed."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    logged_before = Log.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    reminders = deadline_reminders_send(today=today)
    commitments = commitment_notices_send(today=today)
    digests = digests_send(now=now)
    post_office_mail.send_queued(processes=1)
    attempts = Log.objects.filter(pk__gt=logged_before)
    sent = attempts.filter(status=STATUS.sent).count()
    failed = attempts.filter(status=STATUS.failed).count()
    return RunReport(reminders, commitments, digests, sent, failed)


def reached_offset(cycle: EvaluationCycle, deadline: datetime.date, today: datetime.date) -> int | None:
    """Return the latest of the cycle's reminder days (days from the deadline: negative before) that today has
    reached; None before the first. A day missed (the command did not run) is covered by the next one."""
    reached = [offset for offset in cycle.reminder_offsets if deadline + datetime.timedelta(days=offset) <= today]
    return max(reached) if reached else None


def deadline_reminders_send(*, today: datetime.date) -> int:
    """Send each analyst, once per reminder day, what their regions still lack in each open cycle; return how
    many reminders went out."""
    sent = 0
    for cycle in cycles_open():
        if cycle.is_illustrative:
            continue  # a demonstration chases nobody
        deadline = cycle_deadline(cycle)
        offset = reached_offset(cycle, deadline, today) if deadline else None
        if offset is None:
            continue
        key = f"plazo:{cycle.year}:{cycle.stage}:{deadline.isoformat()}:{offset}"
        analysts = (
            get_user_model()
            .objects.filter(is_active=True, analyst_assignments__region__in=_cycle_regions(cycle))
            .distinct()
        )
        done = set(SentReminder.objects.filter(key=key, user__in=analysts).values_list("user_id", flat=True))
        for analyst in analysts:
            if analyst.pk not in done and _remind(analyst, cycle=cycle, deadline=deadline, today=today, key=key):
                sent += 1
    return sent


def _cycle_regions(cycle: EvaluationCycle):
    return Region.objects.filter(indicators__weightings__cycle=cycle).distinct()


@transaction.atomic
def _remind(analyst, *, cycle: EvaluationCycle, deadline: datetime.date, today: datetime.date, key: str) -> bool:
    """Record the reminder as handled and, when the analyst's regions lack something, notify it: the days left
    until the deadline (negative: since it passed) and what they lack, written in every language of the site
    (notifications.messages shows the reader's)."""
    SentReminder.objects.create(user=analyst, key=key)
    lines = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            pending = pending_for(user=analyst, cycle=cycle)
            lines[language] = [line for item in pending for line in pending_lines(item, today=today)]
    if not any(lines.values()):
        return False
    notify(
        event=Event.REMINDER,
        recipients=[analyst],
        path=reverse("results:pending"),
        cycle=cycle,
        params={"deadline": deadline.isoformat(), "days": (deadline - today).days, "lines": lines},
    )
    return True


def pending_lines(item: RegionPending, *, today: datetime.date) -> list[str]:
    """Return, in the active language, what a region still lacks in a cycle, a line each; none when clear."""
    name = item.region.name
    lines = []
    event = item.returned_event
    if event is not None and event.comment:
        lines.append(
            _("%(region)s: DIPRES devolvió los datos: «%(comment)s».") % {"region": name, "comment": event.comment}
        )
    if item.missing:
        codes = ", ".join(row.indicator.code for row in item.missing[:6])
        lines.append(
            ngettext(
                "%(region)s: %(count)s indicador sin todos sus valores (%(codes)s).",
                "%(region)s: %(count)s indicadores sin todos sus valores (%(codes)s).",
                len(item.missing),
            )
            % {"region": name, "count": len(item.missing), "codes": codes}
        )
    if item.needs_analysis:
        codes = ", ".join(row.indicator.code for row in item.needs_analysis)
        lines.append(_("%(region)s: resultados que requieren análisis: %(codes)s.") % {"region": name, "codes": codes})
    if item.observations:
        lines.append(
            ngettext(
                "%(region)s: %(count)s observación de DIPRES por responder.",
                "%(region)s: %(count)s observaciones de DIPRES por responder.",
                len(item.observations),
            )
            % {"region": name, "count": len(item.observations)}
        )
    commitments = [*item.open_commitments, *item.institutional_commitments]
    overdue = sum(1 for commitment in commitments if commitment.due_date < today)
    if commitments and overdue:
        lines.append(
            ngettext(
                "%(region)s: %(count)s compromiso abierto (%(overdue)s).",
                "%(region)s: %(count)s compromisos abiertos (%(overdue)s).",
                len(commitments),
            )
            % {
                "region": name,
                "count": len(commitments),
                "overdue": ngettext("%(count)s vencido", "%(count)s vencidos", overdue) % {"count": overdue},
            }
        )
    elif commitments:
        lines.append(
            ngettext(
                "%(region)s: %(count)s compromiso abierto.",
                "%(region)s: %(count)s compromisos abiertos.",
                len(commitments),
            )
            % {"region": name, "count": len(commitments)}
        )
    if item.submission.is_editable:  # what the deadline asks first: the data sent to DIPRES
        if item.problems:
            first = _("%(region)s: impide enviar: %(problem)s") % {"region": name, "problem": item.problems[0]}
        else:
            first = _("%(region)s: los datos están listos y aún no se envían a DIPRES.") % {"region": name}
        lines.insert(0, first)
    return lines


def commitment_notices_send(*, today: datetime.date) -> int:
    """Announce each open commitment once when it falls due within the window and once when overdue, to who
    answers for it; return how many notices went out."""
    window = today + datetime.timedelta(days=settings.COMMITMENT_NOTICE_DAYS)
    sent = 0
    improvement = ImprovementCommitment.objects.filter(
        status__in=OPEN, due_date__lte=window, cycle__is_illustrative=False
    ).select_related("indicator__region", "cycle")
    for commitment in improvement:
        if commitment.cycle.is_closed:
            continue
        kwargs = {"code": commitment.indicator.region.iso_code, "year": commitment.cycle.year}
        path = reverse("indicators:indicator", kwargs={**kwargs, "indicator": commitment.indicator.code})
        sent += _announce(
            commitment,
            kind="mejora",
            today=today,
            recipients=indicator_recipients(commitment.indicator),
            region=commitment.indicator.region,
            cycle=commitment.cycle,
            path=path + "#compromisos",
        )
    institutional = InstitutionalCommitment.objects.filter(
        status__in=OPEN, due_date__lte=window, evaluation__cycle__is_illustrative=False
    ).select_related("evaluation__region", "evaluation__cycle")
    for commitment in institutional:
        evaluation = commitment.evaluation
        kwargs = {"code": evaluation.region.iso_code, "year": evaluation.cycle.year, "pk": evaluation.pk}
        sent += _announce(
            commitment,
            kind="institucional",
            today=today,
            recipients=notification_selectors.region_followers(evaluation.region),
            region=evaluation.region,
            cycle=evaluation.cycle,
            path=reverse("programs:evaluation", kwargs=kwargs) + f"#compromiso-{commitment.pk}",
        )
    return sent


@transaction.atomic
def _announce(commitment, *, kind: str, today, recipients, region, cycle, path: str) -> int:
    overdue = commitment.due_date < today
    key = f"compromiso:{kind}:{commitment.pk}:{'vencido' if overdue else 'por-vencer'}"
    people = list(recipients)
    done = set(SentReminder.objects.filter(key=key, user__in=people).values_list("user_id", flat=True))
    fresh = [person for person in people if person.pk not in done]
    if not fresh:
        return 0
    SentReminder.objects.bulk_create([SentReminder(user=person, key=key) for person in fresh])
    notify(
        event=Event.COMMITMENT_DUE,
        recipients=fresh,
        path=path,
        region=region,
        cycle=cycle,
        params={
            "description": commitment.description[:300],
            "due": commitment.due_date.isoformat(),
            "overdue": overdue,
        },
    )
    return len(fresh)
