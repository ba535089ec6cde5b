"""Models of the "Dân vận khéo" movement as records that campaigns and plans may link to."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from danvan.core.links import LinkType, register
from danvan.initiatives.selectors import initiative_list_for_user


def _visible(user):
    return initiative_list_for_user(user).order_by("-year", "search_name", "id")


register(
    LinkType(
        key="initiatives.model",
        label=_("Skilled Mass Mobilisation model"),
        visible=_visible,
        title=lambda initiative: initiative.name,
        url=lambda initiative: reverse("initiatives:initiative-detail", args=[initiative.pk]),
        status=lambda initiative: initiative.get_status_display(),
        detail=lambda initiative: f"{initiative.territory.name} · {initiative.year}",
    )
)
