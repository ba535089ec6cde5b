from django.db import models


class Ticket(models.Model):
    """Status, version and territory: what `core.workflow.apply` needs of a model."""

    title = models.CharField(max_length=100, default="ticket")
    status = models.CharField(max_length=20, default="draft")
    version = models.PositiveIntegerField(default=1)
    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Read by a guard: a ticket cannot be approved without an attachment.
    has_attachment = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.title
