"""Text analysis shared by both search backends: pure Python, no database.

Documents and queries go through the same steps, so both backends index and match the same
terms and only the engines differ:

- **folding**: lower case; ä→a, ö→o, ü→u, ß→ss, other diacritics dropped (é→e); apostrophes
  removed ("it's" → "its"). Text is then split into words of letters and digits.
- **forms** of a word: the folded word, its English Snowball stem, and its German Snowball
  stem taken after the German digraphs ae/oe/ue are folded to a/o/u (only in words of 5 or
  more letters, so "Mobilitaet", "Mobilität" and "Mobilitat" share the form "mobilitat").
  The digraph folding happens only on the German path, so the folded word and the English
  stem keep "aerospace" and "blue" intact; a collision of the German path ("Michael" and
  "Michal") costs a little precision and is accepted.
- **compound parts**: a word of 8 or more letters also yields the known words it contains
  (from a lexicon of taxonomy labels and common German word parts): "Faserverbundleichtbau"
  is indexed with "faserverbund" and "leichtbau". Only documents are split, never queries, so
  a query for a whole compound stays precise.
- **hyphenated words** are also indexed joined ("E-Mobilität" → "emobilitat").
- stop words of both languages and single letters are left out of the term bags; the phrase
  stream keeps every word in order, for quoted phrases (which match folded words exactly).
"""

import itertools
import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import snowballstemmer
from django.utils.html import escape

MAX_QUERY_LENGTH = 200
MAX_QUERY_TERMS = 10
MIN_DIGRAPH_LENGTH = 5
MIN_COMPOUND_LENGTH = 8
MIN_PART_LENGTH = 4
MIN_PREFIX_LENGTH = 2
TYPO_PREFIX_LENGTH = 7  # deletion keys are made from the first letters only (SymSpell)

FOLDED = {
    "ä": "a",
    "ö": "o",
    "ü": "u",
    "ß": "ss",
    "æ": "ae",
    "œ": "oe",
    "ø": "o",
    "ł": "l",
    "đ": "d",
    "ð": "d",
    "þ": "th",
    "ı": "i",
    "'": "",
    "’": "",
    "ʼ": "",
    "`": "",
    "´": "",
}
# The characters FOLDED replaces. str.translate looks each character of a text up in its
# table when the text is not all ASCII (36 us for a body of 450 characters, 2026-12-07); the
# expression finds the few to replace (7 us).
FOLDED_RE = re.compile("[" + re.escape("".join(FOLDED)) + "]")
WORD_RE = re.compile(r"[a-z0-9]+")
HYPHENATED_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)+")
DIGRAPH_RE = re.compile(r"ae|oe|ue")
ORIGINAL_WORD_RE = re.compile(r"[\w'’ʼ]+")

STOP_WORDS = frozenset(
    """
    a an and are as at be by for from has in is it of on or that the this to was with
    am auf aus bei das dass dem den der des die ein eine einem einen einer eines fur im
    ist mit nach oder sich sind um und vom von zu zum zur uber
    """.split()
)

# Word parts that German compounds of the cluster landscape are made of. The lexicon used
# for splitting adds the taxonomy's labels and synonyms in both languages (see services).
BASE_LEXICON = frozenset(
    """
    automobil batterie batterien bahn bau chemie cluster daten digital elektronik energie
    energien entwicklung ernahrung fahrzeug fahrzeuge faser forschung fertigung forst
    gesundheit hafen holz industrie initiative innovation innovationen kompetenz kunststoff
    kunststoffe land landes leicht leichtbau lebensmittel logistik luftfahrt material
    materialien medizin mikro mobilitat netz netzwerk optik photonik produktion raumfahrt
    region schiff sensor sensorik sicherheit speicher stoff system systeme technik
    technologie technologien textil umwelt verbund verkehr versorgung wasser wasserstoff
    werk werkstoff werkstoffe wirtschaft zelle zellen zentrum zulieferer
    """.split()
)

_local = threading.local()


def _stemmers() -> tuple:
    """Snowball stemmer objects keep state between calls: one pair per thread."""
    pair = getattr(_local, "stemmers", None)
    if pair is None:
        pair = (snowballstemmer.stemmer("german"), snowballstemmer.stemmer("english"))
        _local.stemmers = pair
    return pair


def fold(text: str) -> str:
    """Lower case without diacritics: "Straße" → "strasse", "Mobilität" → "mobilitat"."""
    text = FOLDED_RE.sub(_folded, text.lower())
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _folded(match: re.Match) -> str:
    return FOLDED[match.group()]


def words(text: str) -> list[str]:
    """The folded words of a text, in order (the phrase stream)."""
    return WORD_RE.findall(fold(text))


def fold_digraphs(word: str) -> str:
    """ae/oe/ue → a/o/u, the German way of writing umlauts without them."""
    if len(word) < MIN_DIGRAPH_LENGTH:
        return word
    return DIGRAPH_RE.sub(lambda match: match.group(0)[0], word)


def is_indexed_word(word: str) -> bool:
    return word not in STOP_WORDS and (len(word) > 1 or word.isdigit())


@lru_cache(maxsize=500_000)
def word_forms(word: str) -> tuple[str, ...]:
    """The forms a folded word is indexed and matched by: itself and its stems."""
    german, english = _stemmers()
    forms = {word, english.stemWord(word), german.stemWord(fold_digraphs(word))}
    return tuple(sorted(form for form in forms if form))


def key(text: str) -> str:
    """A name reduced to letters and digits, for exact name matches ("it's OWL" → "itsowl")."""
    return "".join(words(text))


def alias(name: str) -> str:
    """The part of a name before a dash or bracket: "CLIB – Cluster …" → "CLIB"."""
    for separator in (" – ", " — ", " - ", " (", " / "):
        name = name.split(separator)[0]
    return name


def osa_distance(left: str, right: str, limit: int) -> int:
    """Optimal string alignment distance (Levenshtein plus adjacent transpositions).

    Returns limit + 1 as soon as the distance is known to exceed limit.
    """
    if abs(len(left) - len(right)) > limit:
        return limit + 1
    previous_previous: list[int] = []
    previous = list(range(len(right) + 1))
    for i, left_char in enumerate(left, start=1):
        current = [i] + [0] * len(right)
        for j, right_char in enumerate(right, start=1):
            cost = 0 if left_char == right_char else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if (
                i > 1
                and j > 1
                and left_char == right[j - 2]
                and left[i - 2] == right_char
                and previous_previous
            ):
                current[j] = min(current[j], previous_previous[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous_previous, previous = previous, current
    return min(previous[-1], limit + 1)


def typo_budget(word: str) -> int:
    """Edits tolerated in a query word: none below 5 letters, one up to 8, two from 9."""
    if word.isdigit() or len(word) < 5:
        return 0
    return 1 if len(word) < 9 else 2


EDIT_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


def edits1(word: str) -> set[str]:
    """Every string one edit (delete, swap of neighbours, replace, insert) from a word."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {left + right[1:] for left, right in splits if right}
    swaps = {left + right[1] + right[0] + right[2:] for left, right in splits if len(right) > 1}
    replaces = {left + c + right[1:] for left, right in splits if right for c in EDIT_ALPHABET}
    inserts = {left + c + right for left, right in splits for c in EDIT_ALPHABET}
    return (deletes | swaps | replaces | inserts) - {word}


def deletion_keys(term: str, max_distance: int = 2) -> set[str]:
    """Every string made by deleting up to max_distance letters of the term's first
    letters (SymSpell): two words within that distance share at least one key."""
    start = term[:TYPO_PREFIX_LENGTH]
    keys = {start}
    frontier = {start}
    for _ in range(max_distance):
        frontier = {
            variant[:index] + variant[index + 1 :]
            for variant in frontier
            for index in range(len(variant))
            if len(variant) > 1
        }
        keys |= frontier
    return keys


# Words whose analysis an analyzer remembers. The vocabulary of a corpus is Zipfian: a few
# thousand words make up most of any text, so a bounded memo answers nearly every word.
TERM_CACHE_SIZE = 200_000


class BoundedMemo(dict):
    """key → compute(key), remembered; when full, the older half is forgotten (insertion
    order), so the words in use stay and memory stays bounded.

    One analyzer serves every thread of a process. Reading is lock-free; a miss computes
    outside the lock, then forgets and stores under it, so no thread adds a key while
    another walks the keys to forget (that raised "dictionary changed size during
    iteration" on CI)."""

    def __init__(self, compute, size: int) -> None:
        super().__init__()
        self._compute = compute
        self._size = size
        self._storing = threading.Lock()

    def __missing__(self, key):
        value = self._compute(key)
        with self._storing:
            if len(self) >= self._size:
                for old in list(itertools.islice(self, len(self) // 2)):
                    del self[old]
            self[key] = value
        return value


class Analyzer:
    """Turns document text into index terms; holds the compound lexicon."""

    def __init__(self, lexicon: Iterable[str] = ()) -> None:
        self.lexicon = frozenset(
            word for word in (*BASE_LEXICON, *lexicon) if len(word) >= MIN_PART_LENGTH
        )
        self._parts: dict[str, tuple[str, ...]] = {}
        self._terms = BoundedMemo(self._word_terms, TERM_CACHE_SIZE)
        # word → its index terms joined by spaces ("" for a stop word), for documents
        self._joined = BoundedMemo(self._joined_terms, TERM_CACHE_SIZE)
        # a word as written → the index terms of its folded words, for highlighting
        self._written = BoundedMemo(self._written_terms, TERM_CACHE_SIZE)

    @classmethod
    def from_labels(cls, labels: Iterable[str]) -> "Analyzer":
        """An analyzer whose lexicon holds the words of the given labels (taxonomy) and
        their stems of 5 letters or more ("photonics" → "photon", so "PhotonDelta" is
        split)."""
        lexicon = set()
        for label in labels:
            for word in words(label):
                lexicon.add(word)
                lexicon.update(form for form in word_forms(word) if len(form) >= 5)
        return cls(lexicon)

    def compound_parts(self, word: str) -> tuple[str, ...]:
        """The lexicon words a long word contains: "faserverbundleichtbau" →
        ("faserverbund", "leichtbau", ...)."""
        if len(word) < MIN_COMPOUND_LENGTH:
            return ()
        cached = self._parts.get(word)
        if cached is not None:
            return cached
        found = set()
        for start in range(len(word) - MIN_PART_LENGTH + 1):
            for end in range(start + MIN_PART_LENGTH, len(word) + 1):
                if end - start == len(word):
                    continue
                part = word[start:end]
                if part in self.lexicon:
                    found.add(part)
        parts = tuple(sorted(found))
        if len(self._parts) < 200_000:
            self._parts[word] = parts
        return parts

    def word_terms(self, word: str) -> tuple[str, ...]:
        """Everything one folded word of a document is indexed by (sorted)."""
        return self._terms[word]

    def _word_terms(self, word: str) -> tuple[str, ...]:
        terms = set(word_forms(word))
        for part in self.compound_parts(word):
            terms.update(word_forms(part))
        return tuple(sorted(terms))

    def _written_terms(self, written: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
        return tuple((word, self._terms[word]) for word in words(written))

    def _joined_terms(self, word: str) -> str:
        return " ".join(self._terms[word]) if is_indexed_word(word) else ""

    def split(self, text: str) -> tuple[str, list[str]]:
        """A text folded, and its words in order (the phrase stream of that text)."""
        folded = fold(text)
        return folded, WORD_RE.findall(folded)

    def joined_terms(self, folded: str, found_words: list[str], hyphenated: set[str]) -> str:
        """What `terms` gives for a text already split, joined by spaces (the form the
        engines index); the joined hyphenated words are also added to `hyphenated`."""
        joined = " ".join(filter(None, map(self._joined.__getitem__, found_words)))
        if "-" in folded:
            extra = []
            for word in HYPHENATED_RE.findall(folded):
                word = word.replace("-", "")
                hyphenated.add(word)
                extra.extend(word_forms(word))
            if extra:
                joined = f"{joined} {' '.join(extra)}" if joined else " ".join(extra)
        return joined

    def vocabulary(self, found_words: set[str], hyphenated: set[str]) -> dict[str, bool]:
        """The vocabulary entries (term → is a whole word) of texts with these distinct
        words and joined hyphenated words."""
        terms: dict[str, bool] = {}
        for word in found_words:
            if is_indexed_word(word):
                terms.update(dict.fromkeys(self._terms[word], False))
        for word in hyphenated:
            terms.update(dict.fromkeys(word_forms(word), False))
        for word in found_words:
            if is_indexed_word(word) and not word.isdigit():
                terms[word] = True
        return terms

    def terms(self, text: str) -> list[str]:
        """The index terms of a text: the terms of each word in turn (so a word used twice
        counts twice), then the joined hyphenated words."""
        folded = fold(text)
        found: list[str] = []
        for word in WORD_RE.findall(folded):
            if is_indexed_word(word):
                found.extend(self.word_terms(word))
        for hyphenated in HYPHENATED_RE.findall(folded):
            found.extend(word_forms(hyphenated.replace("-", "")))
        return found

    def highlighter(self, query: "ParsedQuery") -> "Highlighter":
        """What highlights the texts of one query's hits: its matched forms are gathered
        once, and each written word is decided once for all the hits of a page."""
        return Highlighter(self._written, query.all_forms(), query.prefixes())


class Highlighter:
    """Marks the words of texts that match one query (Analyzer.highlighter). A page's hits
    share most of their words (the same field names, places and phrases), so whether a
    written word matches is decided once per page, not once per hit: for the 20 hits of a
    typo's many forms, 0.9 ms instead of 1.3 (100,000 synthetic documents, 2026-12-07)."""

    def __init__(
        self,
        written: "BoundedMemo",
        matched_terms: set[str],
        prefixes: set[str],
    ) -> None:
        self._written = written
        self._matched_terms = matched_terms
        self._prefixes = prefixes
        self._decided: dict[str, bool] = {}

    def highlight(self, text: str, *, length: int = 220) -> str:
        """A window of the text around the first matched word, HTML-escaped, with every
        matched word in <mark>. Empty when nothing matches."""
        spans = self._matched_spans(text, length)
        return _window(text, spans, length) if spans else ""

    def highlight_parts(
        self, text: str, *, separator: str, most: int, length: int = 220
    ) -> list[str]:
        """`highlight` of each part of the text between separators that has a matched word
        (stripped, each once, at most `most`), from one scan of the whole text: a
        document's keywords are hundreds of short labels, and a scan per label cost more
        than the rest of a hit."""
        spans = self._matched_spans(text, len(text))
        found: list[str] = []
        index = 0
        while index < len(spans) and len(found) < most:
            part_end = text.find(separator, spans[index][0])
            part_end = len(text) if part_end < 0 else part_end
            part_start = text.rfind(separator, 0, spans[index][0]) + 1
            inside = []
            while index < len(spans) and spans[index][0] < part_end:
                inside.append(spans[index])
                index += 1
            raw = text[part_start:part_end]
            stripped = raw.strip()
            shift = part_start + len(raw) - len(raw.lstrip())
            local = [(start - shift, end - shift) for start, end in inside]
            highlighted = _window(stripped, local, length)
            if highlighted not in found:
                found.append(highlighted)
        return found

    def _matched_spans(self, text: str, length: int) -> list[tuple[int, int]]:
        """Where the text's matched words are; the scan stops past the first match plus
        length (a window of that length shows none of the rest)."""
        spans: list[tuple[int, int]] = []
        written, decided = self._written, self._decided
        matched_terms, prefixes = self._matched_terms, self._prefixes
        limit = len(text)
        for match in ORIGINAL_WORD_RE.finditer(text):
            if match.start() >= limit:
                break
            original = match.group(0)
            matched = decided.get(original)
            if matched is None:
                matched = decided[original] = any(
                    not matched_terms.isdisjoint(terms) or any(map(word.startswith, prefixes))
                    for word, terms in written[original]
                )
            if matched:
                spans.append((match.start(), match.end()))
                limit = min(limit, spans[0][0] + length)
        return spans


def _window(text: str, spans: list[tuple[int, int]], length: int) -> str:
    """The text around the first span, at most length long and cut at spaces, escaped,
    with the spans inside it in <mark>."""
    start = max(0, spans[0][0] - length // 4)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < spans[0][0] else start
    end = min(len(text), start + length)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > spans[0][1] else end
    pieces = ["…" if start else ""]
    cursor = start
    for span_start, span_end in spans:
        if span_start < start or span_end > end:
            continue
        pieces.append(escape(text[cursor:span_start]))
        pieces.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
        cursor = span_end
    pieces.append(escape(text[cursor:end]))
    pieces.append("…" if end < len(text) else "")
    return "".join(pieces)


@dataclass
class Term:
    """One word of a query: the forms that match it, typo candidates found for it, and
    whether it is the word being typed (matched as a prefix)."""

    word: str
    forms: tuple[str, ...]
    prefix: bool = False
    candidates: tuple[str, ...] = ()
    # The vocabulary's terms that begin with the word being typed, where the backend looks
    # them up (SearchBackend.vocabulary): matched in place of the prefix. None: the
    # engine matches the prefix itself.
    completions: tuple[str, ...] | None = None

    def match_forms(self) -> set[str]:
        return {*self.forms, *self.candidates}

    def typed_forms(self) -> set[str]:
        """The forms that match it, with the completions of the word being typed."""
        return {*self.match_forms(), *(self.completions or ())}

    @property
    def engine_prefix(self) -> bool:
        """Whether the engine matches the word being typed as a prefix (no completions)."""
        return self.prefix and self.completions is None


@dataclass
class ParsedQuery:
    """A query split into plain terms and quoted phrases; nothing of the user's text
    reaches an engine except folded words of letters and digits."""

    text: str
    terms: list[Term] = field(default_factory=list)
    phrases: list[list[str]] = field(default_factory=list)
    # The plain words as typed, stop words included: documents that have them in this
    # order rank higher ("Industrie 4.0", "Forst und Holz").
    sequence: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.terms and not self.phrases

    def all_forms(self) -> set[str]:
        found = set()
        for term in self.terms:
            found |= term.match_forms()
        for phrase in self.phrases:
            for word in phrase:
                found.update(word_forms(word))
        return found

    def prefixes(self) -> set[str]:
        return {term.word for term in self.terms if term.prefix}


def parse_query(text: str) -> ParsedQuery:
    """Split a query into terms and "quoted phrases".

    The text is cut to MAX_QUERY_LENGTH characters and MAX_QUERY_TERMS terms and phrases;
    an unbalanced quote is ignored; stop words are dropped from plain terms (unless the
    query has nothing else). The last plain word is also matched as a prefix when the text
    doesn't end in a space or a quote (search as you type).
    """
    text = (text or "")[:MAX_QUERY_LENGTH]
    text = text.replace("\x00", " ")
    parsed = ParsedQuery(text=text.strip())
    pieces = text.split('"')
    if len(pieces) % 2 == 0:  # an unbalanced quote: the last one opens nothing
        pieces[-2:] = [pieces[-2] + " " + pieces[-1]]
    plain_words: list[str] = []
    for index, piece in enumerate(pieces):
        if index % 2 == 1:
            phrase = words(piece)
            if len(phrase) > 1:
                parsed.phrases.append(phrase)
            else:
                plain_words.extend(phrase)
        else:
            plain_words.extend(words(piece))
    kept = [word for word in plain_words if is_indexed_word(word)]
    if not kept and not parsed.phrases:
        kept = [word for word in plain_words if word]
    parsed.sequence = plain_words[:MAX_QUERY_TERMS] if len(plain_words) > 1 else []
    unique = list(dict.fromkeys(kept))
    room = max(0, MAX_QUERY_TERMS - len(parsed.phrases))
    parsed.phrases = parsed.phrases[:MAX_QUERY_TERMS]
    unique = unique[:room]
    typing = bool(text) and not text[-1].isspace() and text.rstrip()[-1:] != '"'
    for position, word in enumerate(unique):
        last = position == len(unique) - 1 and unique[-1] == (plain_words or [""])[-1]
        parsed.terms.append(
            Term(
                word=word,
                forms=word_forms(word),
                prefix=typing and last and len(word) >= MIN_PREFIX_LENGTH,
            )
        )
    return parsed
