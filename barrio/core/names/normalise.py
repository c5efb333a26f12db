"""Normalise territorial-unit names so that spellings of one name compare equal.

Accents and case are folded, punctuation becomes spaces, abbreviations are expanded, words
naming the kind of settlement ("Col.", "U.H.", "Unidad", "Pueblo", "Barrio") are set apart,
ordinals, number words and Roman numerals become digits, section letters are split from
their number, spaced initials are joined and articles are dropped.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["analyse_name", "name_key", "named_section_base", "normalise_name", "roman_to_int"]


# Abbreviations of Mexican, Chilean and Peruvian catalogues, after accents are removed.
_ABBREVIATIONS: dict[str, str] = {
    "STO": "SANTO",
    "STA": "SANTA",
    "SN": "SAN",
    "STGO": "SANTIAGO",
    "SECC": "SECCION",
    "SEC": "SECCION",
    "AMPL": "AMPLIACION",
    "AMP": "AMPLIACION",
    "PROF": "PROFESOR",
    "PROFA": "PROFESORA",
    "GRAL": "GENERAL",
    "LIC": "LICENCIADO",
    "ING": "INGENIERO",
    "DR": "DOCTOR",
    "CDA": "CERRADA",
    "AV": "AVENIDA",
    "FCO": "FRANCISCO",
    "MA": "MARIA",
    "NTRA": "NUESTRA",
    "SRA": "SENORA",
    "PTE": "PONIENTE",
    "OTE": "ORIENTE",
    "NTE": "NORTE",
    "EJ": "EJIDO",
    "HDA": "HACIENDA",
    "HCO": "HEROICO",
    # Mexico City's 2018 table: "DE TARANGO (RCNDA)" is "Rinconada de Tarango".
    "RCDA": "RINCONADA",
    "RCNDA": "RINCONADA",
    "RNCDA": "RINCONADA",
    "PROL": "PROLONGACION",
    # "ó" read through the wrong code page ("Secciën") in Mexico City's colonia catalogue.
    "SECCIEN": "SECCION",
    "AMPLIACIEN": "AMPLIACION",
}

# Words that say what kind of settlement a unit is, not which one: dropped from the key but
# kept as the unit's kinds, which tell apart "Pueblo San Andrés" from "Barrio San Andrés".
_KIND_PHRASES: dict[str, str | None] = {
    "UNIDADES HABITACIONALES": "UH",
    "UNIDAD HABITACIONAL": "UH",
    "CONJUNTO HABITACIONAL": "UH",
    "CONJ HAB": "UH",
    "U HABS": "UH",
    "U HABIT": "UH",
    "U HAB": "UH",
    # "Unidad Cuitláhuac" is the housing estate "CUITLAHUAC 1 Y 2 (U HAB)".
    "UNIDAD": "UH",
    "UHAB": "UH",
    "U H": "UH",
    "UH": "UH",
    # Lima's "pueblos jóvenes" and "asentamientos humanos" (AA.HH.) are not Mexico's pueblos.
    "PUEBLO JOVEN": "PJ",
    "PJ": "PJ",
    "PUEBLO": "PUEBLO",
    "PBLO": "PUEBLO",
    "BARRIO": "BARRIO",
    "BARR": "BARRIO",
    "FRACCIONAMIENTO": "FRACCIONAMIENTO",
    "FRACC": "FRACCIONAMIENTO",
    "CONDOMINIO": "CONDOMINIO",
    "COND": "CONDOMINIO",
    "RANCHERIA": "RANCHERIA",
    "ASENTAMIENTO HUMANO": "AAHH",
    "AA HH": "AAHH",
    "AAHH": "AAHH",
    "URBANIZACION": "URBANIZACION",
    "URB": "URBANIZACION",
    "POBLACION": "POBLACION",
    "POB": "POBLACION",
    "PARAJE": "PARAJE",
    "RESIDENCIAL": "RESIDENCIAL",
    "RDCIAL": "RESIDENCIAL",
    "RESID": "RESIDENCIAL",
    "PJE": "PARAJE",
    "PREDIO": "PREDIO",
    # "Colonia" is the generic kind in Mexico City: it distinguishes nothing.
    "COLONIA": None,
    "COL": None,
}
_KIND_RE = re.compile(r"\b(" + "|".join(p.replace(" ", r"\s+") for p in _KIND_PHRASES) + r")\b")

# Articles and prepositions carry no identity ("Lomas de Padierna" = "Lomas Padierna").
# "Sección" only announces the number that follows ("2a Sección" = "2").
_STOPWORDS = frozenset({"DE", "DEL", "LA", "LAS", "LOS", "EL", "Y", "SECCION"})

_ORDINALS: dict[str, str] = {
    "PRIMERA": "1",
    "PRIMER": "1",
    "PRIMERO": "1",
    "SEGUNDA": "2",
    "SEGUNDO": "2",
    "TERCERA": "3",
    "TERCER": "3",
    "TERCERO": "3",
    "CUARTA": "4",
    "CUARTO": "4",
    "QUINTA": "5",
    "QUINTO": "5",
    "SEXTA": "6",
    "SEPTIMA": "7",
    "OCTAVA": "8",
}
_CARDINALS: dict[str, str] = {
    w: str(i + 1)
    for i, w in enumerate(
        re.findall(
            r"\w+",
            "UNO DOS TRES CUATRO CINCO SEIS SIETE OCHO NUEVE DIEZ ONCE DOCE TRECE CATORCE "
            "QUINCE DIECISEIS DIECISIETE DIECIOCHO DIECINUEVE VEINTE",
        )
    )
}
_ORDINAL_SUFFIX_RE = re.compile(r"^(\d+)(?:ERA|ERO|RA|RO|ER|DA|DO|TA|TO|MA|MO|VA|VO|NA|NO|A|O)$")
_ROMAN_RE = re.compile(r"^(?=[IVXL])(XL|L?X{0,3})(IX|IV|V?I{0,3})$")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50}
_NUMBER_LETTER_RE = re.compile(r"^(\d+)([A-HJ-UWYZ])$")
_ROMAN_LETTER_RE = re.compile(r"^([IVX]{2,})([A-D])$")
# Spanish words that read as a Roman numeral and a section letter.
_WORDS_LIKE_NUMERALS = frozenset({"VIA"})
# Words a run of single letters must not become (see _join_letters).
_UNJOINABLE = frozenset(w for phrase in _KIND_PHRASES for w in phrase.split()) | _STOPWORDS


def roman_to_int(token: str) -> int | None:
    """Return the value of a Roman numeral from I to LXXXIX, else ``None``.

    Examples
    --------
    >>> roman_to_int("XIV"), roman_to_int("II"), roman_to_int("MIL")
    (14, 2, None)
    """
    if not token or not _ROMAN_RE.match(token):
        return None
    total = 0
    for i, ch in enumerate(token):
        v = _ROMAN_VALUES[ch]
        nxt = _ROMAN_VALUES[token[i + 1]] if i + 1 < len(token) else 0
        total += -v if v < nxt else v
    return total


def _word(w: str) -> list[str]:
    """The tokens of one word: ordinals, number words and Roman numerals become digits.

    A number or a Roman numeral glued to a section letter is split: "1B" -> "1 B",
    "IXA" -> "9 A" ("1A" stays an ordinal, "primera").
    """
    if w in _ORDINALS:
        return [_ORDINALS[w]]
    if w in _CARDINALS:
        return [_CARDINALS[w]]
    if m := _ORDINAL_SUFFIX_RE.match(w):
        return [m.group(1)]
    if w != "L" and (r := roman_to_int(w)) is not None:
        return [str(r)]
    if m := _NUMBER_LETTER_RE.match(w):
        return [m.group(1), m.group(2)]
    if (
        (m := _ROMAN_LETTER_RE.match(w))
        and w not in _WORDS_LIKE_NUMERALS
        and (r := roman_to_int(m.group(1))) is not None
    ):
        return [str(r), m.group(2)]
    return [w]


def _join_letters(tokens: list[str]) -> list[str]:
    """Join three or more single letters in a row into one word: "A M S A" -> "AMSA".

    A run that would spell a kind of settlement, an article or their abbreviation stays
    apart, so that normalising the result again changes nothing.
    """
    out: list[str] = []
    run: list[str] = []
    for t in [*tokens, ""]:
        if len(t) == 1 and t.isalpha():
            run.append(t)
            continue
        word = "".join(run)
        full = _ABBREVIATIONS.get(word, word)
        if len(run) >= 3 and not {word, full} & _UNJOINABLE:
            out.extend(_word(full))
        else:
            out.extend(run)
        run = []
        if t:
            out.append(t)
    return out


def _fold(text: str) -> str:
    """Upper case without accents; "Ñ" becomes "N" like the catalogues that drop it."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).upper()


def analyse_name(name: str) -> tuple[list[str], frozenset[str]]:
    """Return the normalised tokens of a name and the kinds of settlement it names.

    Parameters
    ----------
    name : str
        A unit name as written in any table.

    Returns
    -------
    (list of str, frozenset of str)
        Tokens in their original order (see :func:`normalise_name`) and the kind codes
        found (``UH``, ``PUEBLO``, ``BARRIO``, ``FRACCIONAMIENTO``, ``CONDOMINIO``, ...).

    Examples
    --------
    >>> analyse_name("San Andrés Mixquic (PBLO)")
    (['SAN', 'ANDRES', 'MIXQUIC'], frozenset({'PUEBLO'}))
    """
    text = _fold(name)
    # Letters joined by dots are one abbreviation: "C.T.M." -> "CTM", "U.H." -> "UH".
    text = re.sub(r"\b([A-Z])\.(?=[A-Z]\b)", r"\1", text)
    text = re.sub(r"[^A-Z0-9]+", " ", text)
    words = [_ABBREVIATIONS.get(w, w) for w in text.split()]
    text = " ".join(words)
    kinds = frozenset(
        k for m in _KIND_RE.finditer(text) if (k := _KIND_PHRASES[" ".join(m.group(1).split())])
    )
    text = _KIND_RE.sub(" ", text)
    out = [t for w in text.split() for t in _word(w)]
    kept = [t for t in out if t not in _STOPWORDS] or out
    return _join_letters(kept), kinds


_NAMED_SECTION_RE = re.compile(r"^(.*[A-Z0-9].*?)\s+SECC?(?:ION|IEN)?\s+([A-Z]{3,})\s*$")


def named_section_base(name: str) -> str | None:
    """Return the name without a trailing section named by a word, else ``None``.

    "BELEN DE LAS FLORES SECCION RELLENO" is the "Relleno" part of "Belén de las Flores";
    a numbered section ("SECCION II", "SECCION PRIMERA") is left to the numbers.

    Examples
    --------
    >>> named_section_base("EL BOSQUE SECC. TORRES"), named_section_base("OBRERA SECCION II")
    ('EL BOSQUE', None)
    >>> named_section_base("EL BOSQUE 2DA SECCION (AMPL)") is None
    True
    """
    text = re.sub(r"[^A-Z0-9]+", " ", _fold(name)).strip()
    if (m := _NAMED_SECTION_RE.match(text)) is None:
        return None
    # "SECCION II", "SECCION PRIMERA", "SECCION (AMPL)" or "(U HAB)" name no section.
    tokens, kinds = analyse_name(m.group(2))
    if kinds or len(tokens) != 1 or not tokens[0].isalpha() or tokens[0] == "AMPLIACION":
        return None
    return m.group(1)


def normalise_name(name: str) -> str:
    """Return a comparable form of a unit name.

    Accents and case are folded, punctuation becomes spaces, abbreviations are expanded
    ("STO" -> "SANTO", "AMPL" -> "AMPLIACION"), kind words are dropped ("Col.", "U.H.",
    "Unidad Habitacional", "Pueblo", "Barrio", "Fracc."), ordinals and Roman numerals become
    digits ("2da", "Segunda", "II" -> "2"), a number glued to a section letter is split
    ("1B", "IXA" -> "1 B", "9 A"), spaced single letters are joined ("A M S A" -> "AMSA")
    and articles ("de", "la", ...) are dropped.

    Parameters
    ----------
    name : str
        A unit name as written in any table.

    Returns
    -------
    str
        Space-separated tokens in their original order ("" if nothing is left).

    Examples
    --------
    >>> normalise_name("Col. Ampliación II de la Loma")
    'AMPLIACION 2 LOMA'
    >>> normalise_name("PEDREGAL DE STO DOMINGO (U HAB)")
    'PEDREGAL SANTO DOMINGO'
    >>> normalise_name("2da. Sección Cañada") == normalise_name("SEGUNDA SECCION CANADA")
    True
    >>> normalise_name("CTM IXA (U HAB)"), normalise_name("A M S A")
    ('CTM 9 A', 'AMSA')
    """
    return " ".join(analyse_name(name)[0])


def name_key(name: str) -> str:
    """Return the order-free key of a name: its normalised tokens, sorted.

    Word order varies between catalogues ("ESTADO DE HIDALGO (AMPL)" vs "Ampliación Estado
    de Hidalgo"), so equal keys count as a normalised match.

    Examples
    --------
    >>> name_key("ESTADO DE HIDALGO (AMPL)") == name_key("Ampliación Estado de Hidalgo")
    True
    """
    return " ".join(sorted(normalise_name(name).split()))
