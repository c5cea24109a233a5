"""Writes of notifications: telling people what happened (in-app at once, and by mail after the writing
transaction commits, in each person's language and by their preference), marking them read, and a person's
preferences and language.

A mail is queued in django-post-office's outbox once the transaction commits and sent at once; a failure never
fails the action that caused it: the mail stays queued and `manage.py send_reminders` (or post-office's
`send_queued_mail`) tries it again, up to POST_OFFICE["MAX_RETRIES"] times. Every attempt is logged.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from post_office import mail
from post_office.models import STATUS

from evaluation.models import EvaluationCycle
from notifications import selectors
from notifications.messages import text_of
from notifications.models import Notification, NotificationPreference, PersonSettings, SentReminder
from notifications.vocabulary import Delivery, Event, MailState
from regions.models import Region
from regions.selectors import can_view_region

logger = logging.getLogger(__name__)


def absolute(path: str) -> str:
    """Return the page's address as a mail should carry it (settings.SITE_URL in front)."""
    return settings.SITE_URL.rstrip("/") + path


def notify(
    *,
    event: Event,
    recipients: Iterable[AbstractBaseUser],
    path: str,
    region: Region | None = None,
    cycle: EvaluationCycle | None = None,
    actor: AbstractBaseUser | None = None,
    params: dict | None = None,
) -> list[Notification]:
    """Tell each recipient what happened; call inside the writing transaction (a rollback takes the
    notifications with it, and no mail leaves before the commit).

    Nobody is told of their own action; a person who may not see the region hears nothing of it, whoever the
    caller named. Mails go out after the commit to those who want them at once; those who chose the daily
    digest get them in it.
    """
    people = {person.pk: person for person in recipients if person.is_active}
    if actor is not None:
        people.pop(actor.pk, None)
    if region is not None:
        people = {pk: person for pk, person in people.items() if can_view_region(user=person, region=region)}
    if not people:
        return []
    chosen = dict(
        NotificationPreference.objects.filter(user_id__in=people, event=event).values_list("user_id", "delivery")
    )
    created = []
    for pk, person in people.items():
        delivery = chosen.get(pk, Delivery.IMMEDIATE)
        if delivery == Delivery.OFF or not person.email:
            state = MailState.NONE
        elif delivery == Delivery.DIGEST:
            state = MailState.PENDING_DIGEST
        else:
            state = MailState.QUEUED
        created.append(
            Notification(
                recipient=person,
                event=event,
                region=region,
                cycle=cycle,
                actor=actor,
                params=params or {},
                path=path,
                mail=state,
            )
        )
    Notification.objects.bulk_create(created)
    immediate = [n.pk for n in created if n.mail == MailState.QUEUED]
    recipient_ids = list(people)
    selectors.unread_forget(recipient_ids)  # now for this transaction's reads, and again at the commit
    transaction.on_commit(lambda: _after_commit(immediate, recipient_ids))
    return created


def _after_commit(notification_ids: list[int], recipient_ids: list[int]) -> None:
    """Forget the recipients' unread counts and mail the notifications they want at once; never raises."""
    selectors.unread_forget(recipient_ids)
    if not notification_ids:
        return
    notifications = Notification.objects.filter(pk__in=notification_ids).select_related(
        "recipient", "region", "cycle", "actor"
    )
    languages = selectors.languages({n.recipient_id for n in notifications})
    for notification in notifications:
        try:
            with translation.override(languages[notification.recipient_id]):
                text = text_of(notification)
                body = render_to_string(
                    "notifications/email.txt",
                    {"text": text, "link": absolute(notification.path), "notification": notification},
                )
                subject = _("[PbR GORE] %(title)s") % {"title": text.title}
            send_mail(notification.recipient.email, subject[:250], body)
        except Exception:  # a mail that cannot even be queued must not undo what already happened
            logger.exception("No se pudo encolar el correo de la notificación %s", notification.pk)


def send_mail(address: str, subject: str, body: str) -> None:
    """Queue one mail in the outbox and try it now; a failed attempt stays queued for the next run of
    `send_reminders` (logged by post-office, retried up to its MAX_RETRIES)."""
    email = mail.send(address, settings.DEFAULT_FROM_EMAIL, subject=subject, message=body, priority="now")
    if email.status == STATUS.failed and mail_retries() > 0:
        email.status = STATUS.requeued
        email.number_of_retries = 0
        email.scheduled_time = timezone.now() + settings.POST_OFFICE.get("RETRY_INTERVAL", datetime.timedelta(0))
        email.save(update_fields=["status", "number_of_retries", "scheduled_time"])


def mail_retries() -> int:
    return settings.POST_OFFICE.get("MAX_RETRIES", 0)


@transaction.atomic
def notification_read(*, user: AbstractBaseUser, notification: Notification) -> Notification:
    """Mark the person's own notification read (once: the first reading stays)."""
    if notification.recipient_id != user.pk:
        raise PermissionDenied(_("Esa notificación no es suya."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        selectors.unread_forget([user.pk])
        transaction.on_commit(lambda: selectors.unread_forget([user.pk]))
    return notification


@transaction.atomic
def notifications_read_all(*, user: AbstractBaseUser) -> int:
    """Mark every unread notification of the person read; return how many."""
    count = Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
    selectors.unread_forget([user.pk])
    transaction.on_commit(lambda: selectors.unread_forget([user.pk]))
    return count


@transaction.atomic
def preferences_save(*, user: AbstractBaseUser, deliveries: dict[str, str], mail_language: str | None = None) -> int:
    """Save how the person wants each event's mail (and, when given, their mails' language: "" to follow the
    pages'); return how many changed."""
    if set(deliveries) - set(Event.values) or set(deliveries.values()) - set(Delivery.values):
        raise ValidationError(_("Elija una opción válida para cada evento."))
    current = selectors.deliveries(user)
    changed = 0
    for event, delivery in deliveries.items():
        if current[event] != delivery:
            NotificationPreference.objects.update_or_create(user=user, event=event, defaults={"delivery": delivery})
            changed += 1
    if mail_language is not None:
        changed += _person_language_set(user=user, field="mail_language", language=mail_language)
    return changed


def language_save(*, user: AbstractBaseUser, language: str) -> int:
    """Keep the language the person chose in the switcher: the pages take it at each sign-in, and their mails
    follow it unless they set the mails' apart. Return 1 when it changed, else 0."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("Elija un idioma de la lista."))
    return _person_language_set(user=user, field="language", language=language)


@transaction.atomic
def _person_language_set(*, user: AbstractBaseUser, field: str, language: str) -> int:
    if language and language not in dict(settings.LANGUAGES):
        raise ValidationError(_("Elija un idioma de la lista."))
    if not user.is_authenticated:
        return 0
    row, _created = PersonSettings.objects.select_for_update().get_or_create(user=user)
    if getattr(row, field) == language:
        return 0
    setattr(row, field, language)
    row.save(update_fields=[field])
    return 1


def digests_send(*, now: datetime.datetime) -> int:
    """Mail each person who chose daily digests one mail with what they have not been mailed yet, once a day
    from settings.DIGEST_HOUR on (local time); return how many digests went out."""
    local = timezone.localtime(now)
    if local.hour < settings.DIGEST_HOUR:
        return 0
    key = f"resumen:{local.date().isoformat()}"
    waiting = (
        Notification.objects.filter(mail=MailState.PENDING_DIGEST)
        .select_related("recipient", "region", "cycle", "actor")
        .order_by("recipient_id", "created_at", "pk")
    )
    by_person: dict[int, list[Notification]] = {}
    for notification in waiting:
        by_person.setdefault(notification.recipient_id, []).append(notification)
    done = set(SentReminder.objects.filter(key=key, user_id__in=by_person).values_list("user_id", flat=True))
    languages = selectors.languages(by_person)
    sent = 0
    for person_id, notifications in by_person.items():
        if person_id in done:
            continue
        _digest(notifications, key=key, language=languages[person_id])
        sent += 1
    return sent


@transaction.atomic
def _digest(notifications: list[Notification], *, key: str, language: str) -> None:
    person = notifications[0].recipient
    SentReminder.objects.create(user=person, key=key)
    Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(mail=MailState.QUEUED)
    with translation.override(language):
        items = [(text_of(n), absolute(n.path)) for n in notifications]
        body = render_to_string("notifications/digest.txt", {"items": items, "link": absolute("/notificaciones/")})
        subject = ngettext(
            "[PbR GORE] Resumen diario: %(count)s aviso", "[PbR GORE] Resumen diario: %(count)s avisos", len(items)
        ) % {"count": len(items)}
    if person.email:
        address = person.email
        transaction.on_commit(lambda: _safely(address, subject, body))


def _safely(address: str, subject: str, body: str) -> None:
    try:
        send_mail(address, subject, body)
    except Exception:  # the digest is recorded; its mail waits in the outbox or the log says why
        logger.exception("No se pudo encolar el resumen diario para %s", address)
