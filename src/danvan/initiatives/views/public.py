"""Public showcase (being written)."""

from django.http import Http404


def showcase(request):
    raise Http404


def showcase_detail(request, pk):
    raise Http404


def showcase_province(request, code):
    raise Http404
