"""Statistics (being written)."""

from django.http import Http404


def statistics(request):
    raise Http404


def statistics_export(request):
    raise Http404
