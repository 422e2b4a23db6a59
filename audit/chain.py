"""The hash chain over Spor's records, and its verification (``manage.py verify_audit``).

Every row of a chained model (the transition log, decisions, follow-ups, corrections, audit
events) gets a ``ChainEntry`` in the transaction that inserts it: its content hash and a link
hash over the previous entry of the same organisation's chain. The chain's ``ChainHead`` row
is locked for the append, so two transactions appending at once queue instead of forking the
chain. ``verify`` recomputes everything and reports rows altered, removed or inserted outside
Spor, and entries of the chain itself altered or removed.
"""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import hashlib
import json
import uuid
from collections import defaultdict
from typing import Any

from django.apps import apps
from django.db import models, transaction
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import ChainEntry, ChainHead

# model label -> the path from a row to its organisation's id
CHAINED_MODELS: dict[str, Any] = {
    "decisions.decision": "innovation__organisation_id",
    "decisions.followup": "innovation__organisation_id",
    "decisions.correction": Coalesce(
        "decision__innovation__organisation_id", "follow_up__innovation__organisation_id"
    ),
    "decisions.transitionlog": "innovation__organisation_id",
    "decisions.mandatecard": "innovation__organisation_id",
    "decisions.mandateindicator": "card__innovation__organisation_id",
    "decisions.valuedirectioncheck": "follow_up__innovation__organisation_id",
    "decisions.indicatorreading": "follow_up__innovation__organisation_id",
    "decisions.mandateevaluation": "card__innovation__organisation_id",
    "decisions.indicatorresult": "mandate_evaluation__card__innovation__organisation_id",
    "audit.auditevent": "organisation_id",
}


def _canonical(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value


def content_hash(row: dict[str, Any], fields: list[str]) -> str:
    """SHA-256 over the row's fields as canonical JSON (sorted keys, UTC times)."""
    canonical = {name: _canonical(row.get(name)) for name in fields}
    text = json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def link_hash(previous_hash: str, model: str, row_id: int, content: str) -> str:
    return hashlib.sha256(f"{previous_hash}|{model}|{row_id}|{content}".encode()).hexdigest()


def _fields(model: type[models.Model]) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields]


def _organisation_expression(label: str):
    lookup = CHAINED_MODELS[label]
    return models.F(lookup) if isinstance(lookup, str) else lookup


def append(instance: models.Model) -> ChainEntry:
    """Chain a row just inserted; call inside the transaction that inserted it."""
    model = type(instance)
    label = model._meta.label_lower
    fields = _fields(model)
    with transaction.atomic():
        # Read back, so the hash covers what the database holds (its rounding, its types).
        row = (
            model._base_manager.filter(pk=instance.pk)
            .values(*fields, chain_organisation=_organisation_expression(label))
            .get()
        )
        chain = row["chain_organisation"] or 0
        ChainHead.objects.bulk_create([ChainHead(chain=chain)], ignore_conflicts=True)
        head = ChainHead.objects.select_for_update().get(chain=chain)
        content = content_hash(row, fields)
        entry = ChainEntry.objects.create(
            chain=chain,
            position=head.length + 1,
            model=label,
            row_id=instance.pk,
            fields=fields,
            content_hash=content,
            previous_hash=head.last_hash,
            hash=link_hash(head.last_hash, label, instance.pk, content),
            at=timezone.now(),
        )
        ChainHead.objects.filter(chain=chain).update(length=entry.position, last_hash=entry.hash)
    return entry


@dataclasses.dataclass(frozen=True)
class Finding:
    organisation_id: int | None
    kind: str  # altered, removed, inserted, chain_altered, chain_removed
    model: str
    row_id: int | None
    detail: str

    def __str__(self) -> str:
        where = (
            f"organisation {self.organisation_id}" if self.organisation_id else "no organisation"
        )
        row = f"{self.model} {self.row_id}" if self.row_id is not None else self.model
        return f"{self.kind}: {row} ({where}): {self.detail}"


def _verify_links(chain: int, entries: list[ChainEntry], head: ChainHead | None) -> list[Finding]:
    organisation_id = chain or None
    findings: list[Finding] = []
    previous = ""
    expected = 1
    for entry in entries:
        if entry.position != expected:
            findings.append(
                Finding(
                    organisation_id,
                    "chain_removed",
                    "audit.chainentry",
                    None,
                    f"entries {expected} to {entry.position - 1} of chain {chain} are missing",
                )
            )
        if entry.previous_hash != previous or entry.hash != link_hash(
            entry.previous_hash, entry.model, entry.row_id, entry.content_hash
        ):
            findings.append(
                Finding(
                    organisation_id,
                    "chain_altered",
                    entry.model,
                    entry.row_id,
                    f"entry {entry.position} of chain {chain} does not link to the one before",
                )
            )
        previous = entry.hash
        expected = entry.position + 1
    length = entries[-1].position if entries else 0
    if head is None or head.length != length or head.last_hash != previous:
        findings.append(
            Finding(
                organisation_id,
                "chain_removed",
                "audit.chainentry",
                None,
                f"chain {chain} ends at entry {length}, its head says {head.length if head else 0}",
            )
        )
    return findings


def verify() -> list[Finding]:
    """Every difference between the chains and the rows they cover, in a stable order."""
    findings: list[Finding] = []
    by_chain: dict[int, list[ChainEntry]] = defaultdict(list)
    for entry in ChainEntry.objects.order_by("chain", "position").iterator(chunk_size=5000):
        by_chain[entry.chain].append(entry)
    heads = {head.chain: head for head in ChainHead.objects.all()}
    for chain in sorted(set(by_chain) | set(heads)):
        findings += _verify_links(chain, by_chain.get(chain, []), heads.get(chain))

    entries_by_model: dict[str, dict[int, ChainEntry]] = defaultdict(dict)
    for chained in by_chain.values():
        for entry in chained:
            entries_by_model[entry.model][entry.row_id] = entry
    for label in CHAINED_MODELS:
        entries = entries_by_model[label]
        model = apps.get_model(label)
        fields = _fields(model)
        seen: set[int] = set()
        rows = model._base_manager.values(
            *fields, chain_organisation=_organisation_expression(label)
        ).order_by("pk")
        for row in rows.iterator(chunk_size=5000):
            row_id = row[model._meta.pk.attname]
            seen.add(row_id)
            entry = entries.get(row_id)
            organisation_id = row["chain_organisation"]
            if entry is None:
                findings.append(
                    Finding(organisation_id, "inserted", label, row_id, "not in the chain")
                )
            elif content_hash(row, entry.fields) != entry.content_hash:
                findings.append(
                    Finding(organisation_id, "altered", label, row_id, "differs from its hash")
                )
        for row_id, entry in entries.items():
            if row_id not in seen:
                findings.append(
                    Finding(entry.chain or None, "removed", label, row_id, "chained but gone")
                )
    return findings


def seal_unchained() -> int:
    """Chain every row of a chained model that has no entry yet (in id order)."""
    sealed = 0
    for label in CHAINED_MODELS:
        model = apps.get_model(label)
        chained = ChainEntry.objects.filter(model=label).values("row_id")
        for row in model._base_manager.exclude(pk__in=chained).order_by("pk").iterator():
            with transaction.atomic():
                append(row)
            sealed += 1
    return sealed
