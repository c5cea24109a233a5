"""Sends what is due: deadline reminders, commitments falling due or overdue, daily digests, and the mails that
failed before. Run it from cron (README); running it twice sends nothing twice. Its summary counts the mails
sent and failed while it ran; without a mail server they are files in MAIL_DIR, and it says where."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from results.services import reminders


class Command(BaseCommand):
    help = _(
        "Envía lo que corresponde: recordatorios de plazos, compromisos por vencer o vencidos, resúmenes diarios y "
        "los correos que fallaron. Idempotente."
    )

    def handle(self, *args, **options):
        report = reminders.run()
        self.stdout.write(
            _(
                "Recordatorios: %(reminders)s · avisos de compromisos: %(commitments)s · resúmenes diarios: "
                "%(digests)s · correos enviados: %(sent)s, fallidos: %(failed)s."
            )
            % {
                "reminders": report.reminders,
                "commitments": report.commitments,
                "digests": report.digests,
                "sent": report.mails_sent,
                "failed": report.mails_failed,
            }
        )
        if settings.EMAIL_BACKEND == "core.mail.EmailBackend":
            self.stdout.write(
                _("Sin servidor de correo: cada correo queda como un archivo en %(folder)s.")
                % {"folder": settings.EMAIL_FILE_PATH}
            )
