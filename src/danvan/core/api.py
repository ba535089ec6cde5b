"""Background jobs over the API: a caller follows the jobs they started."""

from uuid import UUID

from django.shortcuts import get_object_or_404
from ninja import Router

from danvan.core.api_utils import error_responses
from danvan.core.models import Job
from danvan.core.schemas import JobOut

router = Router(tags=["jobs"])


@router.get("/{uuid:job_id}", response={200: JobOut, **error_responses(404)})
def job_detail(request, job_id: UUID):
    """Status, progress, error and result of one of your own jobs."""
    return get_object_or_404(Job, pk=job_id, created_by_id=request.user.pk)
