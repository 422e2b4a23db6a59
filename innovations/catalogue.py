"""The shared catalogue: what every signed-in person of every organisation may read.

An entry is built from an explicit whitelist (``CatalogueEntry``): the shared innovation's
title, need, value direction, solution, the summary the organisation wrote for others, its
phase, types, values, the contact role, and a structured evaluation summary without the
evaluation's texts. Nothing else of the innovation, its people, its decisions or its frame
ever reaches the catalogue, so a field added to ``Innovation`` later is unshared until
someone adds it here on purpose.

Search is PostgreSQL's full-text search with the ``danish`` configuration (inflected forms
find each other: "ældrepleje" finds "ældreplejen"), a title match weighted above a match in
the body, and highlighted matches.
"""

from __future__ import annotations

import dataclasses
import datetime
import html
import re
from collections.abc import Iterable
from typing import Any

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat

from .models import (
    Evaluation,
    Innovation,
    InnovationType,
    Reuse,
    State,
)
from .models import (
    Value as IntendedValue,
)

SEARCH_CONFIG = "danish"
# The whitelist of Innovation's own columns a catalogue entry reads.
SHARED_COLUMNS = (
    "id",
    "title",
    "need",
    "value_direction",
    "solution",
    "shared_summary",
    "state",
    "contact_role",
    "contact_email",
    "innovation_types",
    "intended_values",
    "kle_code",
    "shared",
    "shared_at",
    "organisation__id",
    "organisation__code",
    "organisation__name",
    "organisation__kind",
    "organisation__region__id",
    "organisation__region__code",
    "organisation__region__name",
)
_BODY_FIELDS = ("need", "value_direction", "solution", "shared_summary")
# Highlight markers from the Private Use Area: the text is escaped first, then they become
# <mark>, so nothing an organisation wrote is ever output as HTML.
_START, _STOP = "\ue000", "\ue001"


@dataclasses.dataclass(frozen=True)
class CatalogueFilters:
    q: str = ""
    innovation_type: str = ""
    value: str = ""
    phase: str = ""
    region: str = ""  # a region's official code, e.g. "1084"
    evaluated: bool | None = None

    @classmethod
    def from_params(cls, params: Any) -> CatalogueFilters:
        """Read the filters from query parameters, ignoring values that are not choices."""

        def pick(name: str, choices: Iterable[str]) -> str:
            value = (params.get(name) or "").strip()
            return value if value in set(choices) else ""

        evaluated_raw = (params.get("evaluated") or "").strip().lower()
        evaluated = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}
        region = (params.get("region") or "").strip()
        return cls(
            q=(params.get("q") or "").replace("\x00", "").strip()[:200],
            innovation_type=pick("innovation_type", InnovationType.values),
            value=pick("value", IntendedValue.values),
            phase=pick("phase", State.values),
            region=region if region.isdigit() and len(region) == 4 else "",
            evaluated=evaluated.get(evaluated_raw),
        )


@dataclasses.dataclass(frozen=True)
class EvaluationSummary:
    """The evaluation as others may see it: method, effect per value, basis, recommendation."""

    method: str
    effects: dict[str, dict[str, str]]  # value -> {"effect": ..., "basis": ...}, no texts
    spreading: str
    submitted_on: datetime.date


@dataclasses.dataclass(frozen=True)
class CatalogueEntry:
    id: int
    title: str
    need: str
    value_direction: str
    solution: str
    shared_summary: str
    phase: str
    phase_label: str
    contact_role: str
    contact_email: str
    innovation_types: list[str]
    intended_values: list[str]
    kle_code: str
    shared_at: datetime.datetime | None
    organisation_id: int
    organisation_code: str
    organisation_name: str
    region_code: str
    region_name: str
    evaluated: bool
    evaluation: EvaluationSummary | None
    reuse_count: int
    named_reusers: list[str]
    is_own: bool
    rank: float = 0.0
    # Escaped HTML with <mark> around the matches; empty without a search.
    title_highlight: str = ""
    body_highlight: str = ""

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def _json_list_has(field: str, value: str) -> Q:
    return Q(**{f"{field}__contains": [value]})


def shared_innovations() -> QuerySet[Innovation]:
    """Every shared innovation of every organisation: the only rows the catalogue reads."""
    return Innovation.objects.filter(shared=True)


def catalogue(user, filters: CatalogueFilters | None = None) -> QuerySet[Innovation]:
    """The shared innovations matching ``filters``, best match first, ready for ``entries``.

    Anyone signed in may read it; no one else. The rows are limited to the whitelisted
    columns, and annotated with the rank, the reuse count and whether evaluated.
    """
    filters = filters or CatalogueFilters()
    if not (user and user.is_authenticated):
        return Innovation.objects.none()
    queryset = (
        shared_innovations()
        .select_related("organisation", "organisation__region")
        .only(*SHARED_COLUMNS)
        .annotate(
            reuse_count=Coalesce(
                Subquery(
                    Reuse.objects.filter(origin=OuterRef("pk"))
                    .order_by()
                    .values("origin")
                    .annotate(n=Count("organisation", distinct=True))
                    .values("n")[:1],
                    output_field=IntegerField(),
                ),
                0,
            ),
            is_evaluated=Exists(Evaluation.objects.filter(innovation=OuterRef("pk"))),
        )
        .prefetch_related(
            Prefetch(
                "evaluations",
                queryset=Evaluation.objects.only(
                    "id", "innovation_id", "method", "effects", "spreading", "submitted_at"
                ).order_by("-submitted_at", "-id"),
                to_attr="catalogue_evaluations",
            ),
            Prefetch(
                "reuse_registrations",
                queryset=Reuse.objects.filter(named=True)
                .select_related("organisation")
                .only("id", "origin_id", "organisation__id", "organisation__name")
                .order_by("organisation__name", "id"),
                to_attr="catalogue_named_reuses",
            ),
        )
    )
    if filters.innovation_type:
        queryset = queryset.filter(_json_list_has("innovation_types", filters.innovation_type))
    if filters.value:
        queryset = queryset.filter(_json_list_has("intended_values", filters.value))
    if filters.phase:
        queryset = queryset.filter(state=filters.phase)
    if filters.region:
        queryset = queryset.filter(
            Q(organisation__region__code=filters.region) | Q(organisation__code=filters.region)
        )
    if filters.evaluated is not None:
        queryset = queryset.filter(is_evaluated=filters.evaluated)
    if filters.q:
        return _search(queryset, filters.q)
    return queryset.annotate(rank=Value(0.0, output_field=FloatField())).order_by(
        F("shared_at").desc(nulls_last=True), "-id"
    )


def _search_words(text: str) -> list[str]:
    """The words of a search for the plain match: three letters or more (not "og", "i")."""
    return [w for w in re.findall(r"\w+", text) if len(w) >= 3]


# Keyboards without æ, ø and å: "aeldre", "boern" and "aarhus" mean "ældre", "børn", "århus".
_DANISH_LETTERS = (("ae", "æ"), ("oe", "ø"), ("aa", "å"))


def with_danish_letters(text: str) -> str:
    """``text`` with ae/oe/aa written as æ/ø/å (upper case kept); unchanged if it has none."""
    for plain, letter in _DANISH_LETTERS:
        text = re.sub(
            plain,
            lambda match, letter=letter: letter.upper() if match.group()[0].isupper() else letter,
            text,
            flags=re.IGNORECASE,
        )
    return text


def _word_start(word: str) -> str:
    r"""A regex for ``word`` at the start of a word: "ældre" in "ældre" or "ældrepleje", not in
    "forældre" (PostgreSQL's ``\m``)."""
    return "\\m" + re.escape(word)


def _variants(word: str) -> list[str]:
    danish = with_danish_letters(word)
    return [word] if danish == word else [word, danish]


def _matching(field: str, word: str, *, whole: bool) -> Q:
    condition = Q()
    for variant in _variants(word):
        condition |= (
            Q(**{f"{field}__iregex": _word_start(variant)})
            if whole
            else Q(**{f"{field}__icontains": variant})
        )
    return condition


def _substring_match(words: list[str], *, whole: bool = False) -> tuple[Q, Q]:
    """Every word somewhere in the shared texts; and every word in the title. With
    ``whole``, only where a word begins (the word itself, or the start of a compound)."""
    in_title = Q()
    anywhere = Q()
    for word in words:
        in_title &= _matching("title", word, whole=whole)
        word_anywhere = _matching("title", word, whole=whole)
        for field in _BODY_FIELDS:
            word_anywhere |= _matching(field, word, whole=whole)
        anywhere &= word_anywhere
    return in_title, anywhere


def _search(queryset: QuerySet[Innovation], text: str) -> QuerySet[Innovation]:
    words = _search_words(text)
    in_title, anywhere = _substring_match(words)
    word_in_title, word_anywhere = _substring_match(words, whole=True)
    # The vector is stored and indexed (a trigger keeps it, migration 0005), with the
    # title weighted A and the other shared texts B, so the rank puts a title match first.
    # Danish joins words ("hjemmeplejen"), which no stemmer splits: a plain match of the
    # words finds the compounds too, ranked by where it matched: where a word begins
    # ("ældre", "ældreplejen") well above inside a word ("forældre").
    query = SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")
    danish = with_danish_letters(text)
    if danish != text:
        query = query | SearchQuery(danish, config=SEARCH_CONFIG, search_type="websearch")
    matches = Q(search_vector=query)
    # A whole word or its inflection (the full-text match) first, whatever else matched;
    # then where the letters stand: a word beginning in the title, anywhere in the title,
    # a word beginning elsewhere, anywhere elsewhere ("ældre" before "forældre").
    plain_bonus: Any = Case(
        When(Q(search_vector=query), then=Value(1.0)),
        default=Value(0.0),
        output_field=FloatField(),
    )
    if words:
        matches |= anywhere
        plain_bonus = plain_bonus + Case(
            When(word_in_title, then=Value(0.4)),
            When(in_title, then=Value(0.3)),
            When(word_anywhere, then=Value(0.2)),
            When(anywhere, then=Value(0.1)),
            default=Value(0.0),
            output_field=FloatField(),
        )
    headline_options = {
        "config": SEARCH_CONFIG,
        "start_sel": _START,
        "stop_sel": _STOP,
    }
    return (
        queryset.filter(matches)
        .annotate(
            rank=SearchRank(F("search_vector"), query) + plain_bonus,
            title_headline=SearchHeadline("title", query, highlight_all=True, **headline_options),
            body_headline=SearchHeadline(
                _body_text(),
                query,
                max_words=35,
                min_words=15,
                max_fragments=2,
                fragment_delimiter=" … ",
                **headline_options,
            ),
        )
        .order_by("-rank", F("shared_at").desc(nulls_last=True), "-id")
    )


def _body_text():
    parts: list[Any] = []
    for field in _BODY_FIELDS:
        if parts:
            parts.append(Value(" \n ", output_field=TextField()))
        parts.append(F(field))
    return Concat(*parts, output_field=TextField())


def _marked_to_html(marked: str) -> str:
    escaped = html.escape(marked)
    return escaped.replace(_START, "<mark>").replace(_STOP, "</mark>")


def _highlight_plain(text: str, words: list[str]) -> str:
    escaped_parts: list[str] = []
    pattern = re.compile("|".join(re.escape(w) for w in words if w), re.IGNORECASE)
    position = 0
    for match in pattern.finditer(text) if words else []:
        escaped_parts.append(html.escape(text[position : match.start()]))
        escaped_parts.append(f"<mark>{html.escape(match.group(0))}</mark>")
        position = match.end()
    escaped_parts.append(html.escape(text[position:]))
    return "".join(escaped_parts)


def _plain_body_highlight(row: Innovation, words: list[str]) -> str:
    for field in _BODY_FIELDS:
        text = getattr(row, field) or ""
        lowered = text.lower()
        hit = next((lowered.find(w.lower()) for w in words if w.lower() in lowered), -1)
        if hit >= 0:
            start = max(0, hit - 80)
            end = min(len(text), hit + 160)
            snippet = ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")
            return _highlight_plain(snippet, words)
    return ""


def entries(user, rows: Iterable[Innovation], *, q: str = "") -> list[CatalogueEntry]:
    """Catalogue entries for rows of ``catalogue()``: the only shape that leaves this module."""
    words = _search_words(q)
    result = []
    for row in rows:
        if not row.shared:  # belt and braces: rows come from shared_innovations()
            continue
        evaluations = getattr(row, "catalogue_evaluations", None)
        if evaluations is None:
            evaluations = list(row.evaluations.order_by("-submitted_at", "-id")[:1])
        latest = evaluations[0] if evaluations else None
        named = getattr(row, "catalogue_named_reuses", None)
        if named is None:
            named = list(row.reuse_registrations.filter(named=True).select_related("organisation"))
        named_reusers = sorted({r.organisation.name for r in named})
        organisation = row.organisation
        region = organisation.region
        title_highlight = body_highlight = ""
        if words:
            title_headline = getattr(row, "title_headline", None) or ""
            body_headline = getattr(row, "body_headline", None) or ""
            if _START in title_headline:
                title_highlight = _marked_to_html(title_headline)
            else:
                title_highlight = _highlight_plain(row.title, words)
            if _START in body_headline:
                body_highlight = _marked_to_html(body_headline)
            else:
                body_highlight = _plain_body_highlight(row, words)
        result.append(
            CatalogueEntry(
                id=row.pk,
                title=row.title,
                need=row.need,
                value_direction=row.value_direction,
                solution=row.solution,
                shared_summary=row.shared_summary,
                phase=row.state,
                phase_label=str(State(row.state).label),
                contact_role=row.contact_role,
                contact_email=row.contact_email,
                innovation_types=list(row.innovation_types or []),
                intended_values=list(row.intended_values or []),
                kle_code=row.kle_code,
                shared_at=row.shared_at,
                organisation_id=organisation.pk,
                organisation_code=organisation.code,
                organisation_name=organisation.name,
                region_code=region.code if region else "",
                region_name=region.name if region else "",
                evaluated=latest is not None,
                evaluation=_evaluation_summary(latest),
                reuse_count=row.reuse_count if hasattr(row, "reuse_count") else _reuse_count(row),
                named_reusers=named_reusers,
                is_own=bool(user and user.organisation_id == organisation.pk),
                rank=float(getattr(row, "rank", 0.0) or 0.0),
                title_highlight=title_highlight,
                body_highlight=body_highlight,
            )
        )
    return result


def _reuse_count(row: Innovation) -> int:
    return row.reuse_registrations.values("organisation").distinct().count()


def _evaluation_summary(evaluation: Evaluation | None) -> EvaluationSummary | None:
    if evaluation is None:
        return None
    effects = {
        value: {"effect": str(effect.get("effect", "")), "basis": str(effect.get("basis", ""))}
        for value, effect in (evaluation.effects or {}).items()
        if value in IntendedValue.values and isinstance(effect, dict)
    }
    return EvaluationSummary(
        method=evaluation.method,
        effects=effects,
        spreading=evaluation.spreading,
        submitted_on=evaluation.submitted_at.date(),
    )


def search_catalogue(user, filters: CatalogueFilters | None = None) -> list[CatalogueEntry]:
    """The whole result as entries (for small results, the CSV and the tests)."""
    filters = filters or CatalogueFilters()
    return entries(user, catalogue(user, filters), q=filters.q)


def catalogue_entry(user, pk: int) -> CatalogueEntry | None:
    """One shared innovation's entry, or None when it is not (or no longer) shared."""
    found = entries(user, catalogue(user).filter(pk=pk))
    return found[0] if found else None


def reuses_of_own(user, innovation: Innovation) -> dict[str, Any]:
    """For the origin organisation: how many reuse its innovation, and which agree to be named."""
    if not (user and user.is_authenticated) or (
        not user.is_superuser and user.organisation_id != innovation.organisation_id
    ):
        return {"count": 0, "named": []}
    registrations = Reuse.objects.filter(origin=innovation).select_related("organisation")
    return {
        "count": registrations.values("organisation").distinct().count(),
        "named": sorted({r.organisation.name for r in registrations if r.named}),
    }


def reuse_registration_of(user, innovation: Innovation) -> Reuse | None:
    """For the reusing organisation: its registration of ``innovation`` as a reuse, if any."""
    if not (user and user.is_authenticated) or user.organisation_id != innovation.organisation_id:
        return None
    # The origin's live row is not read: only whether it is still in the catalogue (that is
    # public); its title and organisation come from the snapshot taken at the reuse.
    return (
        Reuse.objects.filter(innovation=innovation)
        .select_related("origin")
        .only("id", "named", "snapshot", "origin__id", "origin__shared")
        .first()
    )
