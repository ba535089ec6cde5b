from django.db import models
from django.utils.translation import gettext_lazy as _


class Era(models.TextChoices):
    CURRENT = "2025", _("Since 07/2025")
    LEGACY = "legacy", _("Before 07/2025")


class Level(models.TextChoices):
    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune")


class Territory(models.Model):
    """An administrative unit of one era.

    Codes are reused between eras (ward 20341 is Phường Tam Kỳ today and was Phường An Mỹ
    before), so a unit is identified by (era, level, code), never by the code alone.

    `path` is the unit's place in its own era's tree ("2025/48/20341/", "legacy/49/502/20341/").
    `scope_path` is the place in today's tree that the unit rolls up to: its own path for current
    units; for historic units the current ward it became when that mapping is one-to-one,
    otherwise the current province that holds all its successors. Scope checks and roll-ups use
    `scope_path`, so "everything under Đà Nẵng" includes records filed under old Tam Kỳ.
    """

    era = models.CharField(_("era"), max_length=8, choices=Era.choices)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    code = models.PositiveIntegerField(_("code"))
    name = models.CharField(_("name"), max_length=120)
    division_type = models.CharField(_("division type"), max_length=40)
    codename = models.CharField(max_length=120, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    province_code = models.PositiveIntegerField(_("province code"))
    path = models.CharField(max_length=64, unique=True)
    scope_path = models.CharField(max_length=64, db_index=True)
    has_several_successors = models.BooleanField(
        default=False,
        help_text=_("A historic unit whose area went to several current units."),
    )
    search_name = models.CharField(max_length=200, db_index=True)

    class Meta:
        verbose_name = _("territory")
        verbose_name_plural = _("territories")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["era", "level", "code"], name="territory_identity"),
        ]
        indexes = [
            models.Index(fields=["era", "level", "search_name"], name="territory_era_level_search")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_current(self) -> bool:
        return self.era == Era.CURRENT

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1

    def contains(self, other: "Territory") -> bool:
        """True when `other` lies in this unit's subtree of today's tree."""
        return other.scope_path.startswith(self.path)


class TerritoryMapping(models.Model):
    """Which current commune-level unit(s) a historic commune became on 1 July 2025."""

    legacy_commune = models.ForeignKey(
        Territory, on_delete=models.CASCADE, related_name="successor_links"
    )
    current_commune = models.ForeignKey(
        Territory, on_delete=models.CASCADE, related_name="predecessor_links"
    )
    partly_merged = models.BooleanField(
        _("partly merged"), default=False, help_text=_("Only part of the old unit went here.")
    )

    class Meta:
        verbose_name = _("territory mapping")
        verbose_name_plural = _("territory mappings")
        constraints = [
            models.UniqueConstraint(
                fields=["legacy_commune", "current_commune"], name="territory_mapping_pair"
            )
        ]

    def __str__(self) -> str:
        return f"{self.legacy_commune} → {self.current_commune}"
