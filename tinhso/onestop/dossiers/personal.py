"""A dossier's personal data as one viewer may read it: in full or masked.

Who reads it in full is decided once, by :func:`rules.may_read_personal_data`; every page,
printable form, export, file download and API answer about one dossier goes through
:func:`personal_data_for` (or :class:`PersonalData` with the answer already known), so they
never disagree. What counts as personal:

- the applicant's name, ID number (số định danh), phone and e-mail;
- the applicant's account wherever it appears as an actor (a timeline entry "submitted by …");
- every value of the e-form: fields of a known kind are masked by kind (an ID number or a phone
  keeps its last four digits, an e-mail its first letter and domain, a name — a field prefilled
  with the full name — its initials) and every other value (addresses, dates of birth, free
  answers, even a choice from a list: sex, ethnicity…) is hidden whole, because an e-form is
  data, not code, and nothing tells a harmless answer from a sensitive one;
- the files' contents (ID card scans, certificates, the signed result that names the applicant)
  and the names they were uploaded under ("CCCD Nguyen Van An.pdf"): whoever reads masked sees
  which documents are there, not the documents.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from tinhso.core.privacy import mask_digits, mask_email, mask_name, mask_value
from tinhso.onestop.models import Dossier, DossierFile, FileKind
from tinhso.onestop.rules import may_read_personal_data
from tinhso.onestop.web.eform import eform_value_display

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from tinhso.org.models import Person


def field_kind(spec: dict[str, Any]) -> str:
    """What a field holds, for masking: its type, or the account data it is prefilled with."""
    if spec.get("prefill") == "full_name":
        return "full_name"
    if spec.get("type") in ("personal_id", "phone", "email"):
        return str(spec["type"])
    return str(spec.get("prefill") or spec.get("type") or "text")


@dataclass(frozen=True)
class PersonalData:
    """``dossier``'s personal data for a viewer who reads it in full (``full``) or masked."""

    dossier: Dossier
    full: bool

    @property
    def masked(self) -> bool:
        return not self.full

    @property
    def name(self) -> str:
        return self.dossier.applicant_name if self.full else mask_name(self.dossier.applicant_name)

    @property
    def personal_id(self) -> str:
        value = self.dossier.applicant_personal_id
        return value if self.full else mask_digits(value)

    @property
    def phone(self) -> str:
        return self.dossier.applicant_phone if self.full else mask_digits(self.dossier.applicant_phone)

    @property
    def email(self) -> str:
        return self.dossier.applicant_email if self.full else mask_email(self.dossier.applicant_email)

    def applicant(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "personal_id": self.personal_id,
            "phone": self.phone,
            "email": self.email,
            "masked": self.masked,
        }

    def person_name(self, person: Person | None) -> str:
        """The name of someone who acted on the dossier: the applicant's account masked as their
        name is; officers by name (the decree asks for them, they are not the citizen's data)."""
        if person is None:
            return ""
        name = person.get_full_name()
        if self.full or self.dossier.applicant_id is None or person.pk != self.dossier.applicant_id:
            return name
        return mask_name(name)

    def form_data(self) -> dict[str, Any]:
        """The e-form's values, every one masked for a masked viewer (fields the procedure no
        longer defines as well)."""
        data = dict(self.dossier.form_data or {}) if isinstance(self.dossier.form_data, dict) else {}
        if self.full:
            return data
        kinds = {spec.get("name"): field_kind(spec) for spec in self._specs()}
        return {name: mask_value(kinds.get(name), value) for name, value in data.items()}

    def form_rows(self) -> list[tuple[str, str]]:
        """(label, value) of each e-form field in the procedure's order, then any other value."""
        data = self.form_data()
        rows = []
        for spec in self._specs():
            value = eform_value_display(spec, data.pop(spec["name"], "")) if self.full else data.pop(spec["name"], "")
            rows.append((spec.get("label") or spec["name"], str(value) if value not in (None, "") else "—"))
        rows += [(name, str(value)) for name, value in data.items()]
        return rows

    def file_name(self, file: DossierFile) -> str:
        return file_name(file, full=self.full)

    @property
    def files_open(self) -> bool:
        """Whether the files' contents may be downloaded."""
        return self.full

    def _specs(self) -> list[dict[str, Any]]:
        specs = self.dossier.procedure.form_fields or []
        return [spec for spec in specs if isinstance(spec, dict) and spec.get("name")]


def file_name(file: DossierFile, *, full: bool) -> str:
    """The name a file is listed under: as uploaded, or for a masked viewer what it is."""
    if full:
        return file.original_name
    if file.kind == FileKind.RESULT:
        return _("Kết quả giải quyết")
    if file.requirement is not None:
        return file.requirement.name
    return _("Tệp thành phần hồ sơ")


def personal_data_for(person: Person | AnonymousUser, dossier: Dossier) -> PersonalData:
    """``dossier``'s personal data as ``person`` may read it (:func:`rules.may_read_personal_data`)."""
    return PersonalData(dossier, full=may_read_personal_data(person, dossier))
