"""Reads for imports: an agency's batches and mappings, and the lookups a row needs (regions and countries by
name, the case of a police report number, the ledger of imported rows)."""

from __future__ import annotations

from django.db.models import QuerySet

from gugus.cases.models import Case, Participant, ParticipantRole
from gugus.core.errors import NotFound
from gugus.imports.models import ImportBatch, ImportedRow, ImportMapping
from gugus.imports.targets import norm, translate
from gugus.linkage.prepare import normalise_name
from gugus.regions.models import Country, Region, is_inside
from gugus.regions.selectors import normalise_code

IMPORT_CAPABILITY = "person.create"


def batches_visible_to(user) -> QuerySet[ImportBatch]:
    """A user sees the import batches of their own agency, nothing else (not even a parent office's)."""
    if user is None or not user.is_authenticated or not user.can(IMPORT_CAPABILITY) or not user.agency_id:
        return ImportBatch.objects.none()
    return ImportBatch.objects.filter(agency_id=user.agency_id).select_related("created_by")


def get_batch(user, pk) -> ImportBatch:
    """One batch of the user's agency; missing and another agency's look the same."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    batch = batches_visible_to(user).filter(pk=pk).first()
    if batch is None:
        raise NotFound()
    return batch


def mappings_of(user) -> QuerySet[ImportMapping]:
    if not user.agency_id:
        return ImportMapping.objects.none()
    return ImportMapping.objects.filter(agency_id=user.agency_id)


def mapping_for_headers(user, headers: list[str]) -> ImportMapping | None:
    """The agency's most recent saved mapping whose columns are all in this file."""
    present = set(headers)
    for mapping in mappings_of(user):
        if mapping.columns and set(mapping.columns.values()) <= present:
            return mapping
    return None


def imported_row(agency_id: int, key: str) -> ImportedRow | None:
    return ImportedRow.objects.filter(agency_id=agency_id, key=key).select_related("batch").first()


def case_of_report(agency_id: int, police_report_number: str) -> Case | None:
    """The agency's case with this police report number (rows with the same LP are one case)."""
    if not police_report_number:
        return None
    return (Case.objects.filter(owner_agency_id=agency_id, police_report_number__iexact=police_report_number)
            .order_by("pk").first())


def perpetrator_in_case(case: Case, name: str) -> Participant | None:
    """A perpetrator already in ``case`` under the same (normalised) name: several victims of one recruiter
    in one report are linked to one perpetrator, not to copies of them."""
    key = normalise_name(name) or name.strip().lower()
    return (Participant.objects.filter(case=case, role=ParticipantRole.PERPETRATOR, person__name_normalised=key)
            .select_related("person").first())


class AmbiguousName(LookupError):
    def __init__(self, names: list[str]):
        super().__init__(", ".join(names))
        self.names = names


_REGION_PREFIXES = (("kabupaten ", "kabupaten"), ("kab ", "kabupaten"), ("kotamadya ", "kota"),
                    ("kodya ", "kota"), ("kota ", "kota"), ("provinsi ", "provinsi"), ("prov ", "provinsi"))


class PlaceResolver:
    """Turns what a spreadsheet says about a place into a code, remembering each answer for the file.

    Regions: a Kemendagri code ("35.07", "3507") or a province or kab/kota name ("Kab. Malang", "Kota Batu",
    "Lombok Timur"); a bare name shared by a kabupaten and a kota, or by two provinces' kabupaten, is
    ambiguous unless only one lies in the importing agency's jurisdiction. Countries: ISO codes, English and
    Indonesian names, and the synonyms of targets.toml.
    """

    def __init__(self, jurisdiction: str | None = None):
        self.jurisdiction = jurisdiction
        self._regions: dict[str, str | None | AmbiguousName] = {}
        self._countries: dict[str, str] | None = None

    def region(self, text: str) -> str | None:
        """The region code, None when unknown; raises :class:`AmbiguousName`."""
        key = norm(text)
        if key not in self._regions:
            try:
                self._regions[key] = self._find_region(str(text).strip())
            except AmbiguousName as exc:
                self._regions[key] = exc
        found = self._regions[key]
        if isinstance(found, AmbiguousName):
            raise found
        return found

    def _find_region(self, text: str) -> str | None:
        compact = text.replace(" ", "")
        if compact.replace(".", "").isdigit():
            code = normalise_code(compact)
            return code if Region.objects.filter(code=code).exists() else None
        name, kind = norm(text), None
        for prefix, prefix_kind in _REGION_PREFIXES:
            if name.startswith(prefix):
                name, kind = name[len(prefix):], prefix_kind
                break
        if not name:
            return None
        wanted = {f"kabupaten {name}", f"kota {name}", name} if kind != "provinsi" else {name}
        rows = [r for r in Region.objects.filter(level__lte=Region.Level.REGENCY, name__iendswith=name.split()[-1])
                if norm(r.name) in wanted and (kind is None or r.kind == kind)]
        if len(rows) > 1:
            inside = [r for r in rows if self.jurisdiction and is_inside(r.code, self.jurisdiction)]
            rows = inside or rows
        if len(rows) > 1:
            raise AmbiguousName(sorted(r.name for r in rows))
        return rows[0].code if rows else None

    def country(self, text: str) -> str | None:
        if self._countries is None:
            index: dict[str, str] = {}
            for code, alpha3, name_en, name_id in Country.objects.values_list("code", "alpha3", "name_en",
                                                                                "name_id"):
                for word in (name_en, name_id, alpha3, code):
                    index.setdefault(norm(word), code)
            self._countries = index
        return translate("countries", text) or self._countries.get(norm(text))
