"""Reads of innovations, scoped to what the user may see."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Document, Evaluation, Innovation, StatusReport


def visible_innovations(user) -> QuerySet[Innovation]:
    """The innovations of the user's own organisation (all of them, for a superuser)."""
    return Innovation.objects.visible_to(user).select_related(
        "organisation", "committee", "owner", "reused_from"
    )


def get_visible_innovation(user, pk: int) -> Innovation | None:
    return visible_innovations(user).filter(pk=pk).first()


def documents_for(innovation: Innovation) -> QuerySet[Document]:
    """The documents of an innovation the caller has already been allowed to see."""
    return Document.objects.filter(innovation=innovation).select_related("uploaded_by")


def visible_document(user, pk: int) -> Document | None:
    """A document of an innovation the user may see (its organisation's, never another's)."""
    return (
        Document.objects.filter(innovation__in=visible_innovations(user).values("pk"), pk=pk)
        .select_related("innovation")
        .first()
    )


def status_reports_for(innovation: Innovation) -> QuerySet[StatusReport]:
    return StatusReport.objects.filter(innovation=innovation).select_related(
        "submitted_by", "document"
    )


def evaluations_for(innovation: Innovation) -> QuerySet[Evaluation]:
    return Evaluation.objects.filter(innovation=innovation).select_related("submitted_by")
