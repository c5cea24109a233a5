"""English formats: Django's, with times as «5:01 PM» so that a sentence ending in a time never reads
«5:01 p.m..» (Django's English «P» format ends with its own period)."""

from django.conf.locale.en.formats import *  # noqa: F403

TIME_FORMAT = "g:i A"
DATETIME_FORMAT = "N j, Y, g:i A"
SHORT_DATETIME_FORMAT = "m/d/Y g:i A"
