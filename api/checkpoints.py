"""How a checkpoint reads in the API (the reminders app owns the model)."""

from __future__ import annotations


def checkpoint_data(checkpoint) -> dict:
    return {
        "id": checkpoint.pk,
        "innovation": checkpoint.innovation_id,
        "kind": checkpoint.kind,
        "title": checkpoint.title,
        "due_date": checkpoint.due_date.isoformat(),
        "status": checkpoint.status,
    }
