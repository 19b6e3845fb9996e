"""查重: near-duplicate texts among applications and projects, with no database.

`stplan similar`, `benchmarks/similar.py` and the web's 查重 run use this module as it is.

A text is compared as the set of its character 4-grams ("shingles"), taken after NFKC
normalisation with case, spaces and punctuation removed: Chinese needs no word segmentation
this way, and reordered sentences, swapped words or added paragraphs leave most shingles
intact. Shingles that carry no evidence of copying are dropped before anything is compared:
those of the guide's own text (every applicant of a 方向 quotes it) and those found in more
than COMMON_FRACTION of a large collection (the boilerplate every 申报书 has).

Candidates come from MinHash LSH: a one-permutation MinHash signature of NUM_PERM values
(the hash range cut into bins, the least hash of each bin kept, empty bins filled by rotation
densification), cut into BANDS bands of ROWS values; texts agreeing on a whole band are
candidates. It is written here with numpy rather than taken from datasketch: datasketch's
MinHash hashes every shingle in Python, and its MinHashLSH inserts at about 4 µs per band, so
for 100,000 texts the index alone took longer than the whole 60 s budget (README, "查重").
Every candidate is then scored exactly: `similarity` is the larger of the Jaccard index and,
for texts of at least CONTAINMENT_MIN shingles, the share of the shorter text found in the
longer one (so a text cut down, padded out or merged into another still scores as copied).
"""

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

SHINGLE = 4
BANDS, ROWS = 63, 2
NUM_PERM = BANDS * ROWS
# Chosen by benchmarks/similar.py (README, "查重"): of 112,175 pairs of different projects of
# one 方向 the highest scored 0.132; of 5,714 planted copies all but 4 score 0.4 or more (every
# kind's 5th percentile is above 0.56). 0.4 is three times the worst unrelated pair.
DEFAULT_THRESHOLD = 0.4
# Below this many shingles (about 80 characters) a text is too short for "contained in".
CONTAINMENT_MIN = 80
# A shingle in more than this share of the texts (and more than COMMON_MIN_TEXTS of them)
# is boilerplate; small collections have too few texts to tell.
COMMON_FRACTION = 0.01
COMMON_MIN_TEXTS = 50
# A shared passage shorter than this many letters is chance, not copying.
PASSAGE_MIN = 10
# How many of the longest shared passages a pair names.
PASSAGES_NAMED = 5

_DROPPED_BITS = 24
_DROP_SHIFT = np.uint32(32 - _DROPPED_BITS)
_EMPTY = np.uint32(0xFFFFFFFF)
_NOT_TEXT = re.compile(r"[\W_]+")
_LETTERS = re.compile(r"[^\W_]+")
_PRIME = np.uint64(1099511628211)


@dataclass(frozen=True)
class Document:
    key: str
    text: str


@dataclass(frozen=True)
class Pair:
    """Two near-duplicate texts; `a` is the one given first."""

    a: str
    b: str
    similarity: float
    jaccard: float
    containment: float
    # Where the shared passages are, as [start, end) offsets in each original text.
    a_spans: tuple[tuple[int, int], ...]
    b_spans: tuple[tuple[int, int], ...]
    # The longest passages in common, as `a` has them.
    shared: tuple[str, ...]


def normalized(text: str) -> str:
    # Punctuation goes first: what is left (Chinese characters mostly) is usually NFKC
    # already, which `is_normalized` tells far faster than `normalize` would.
    letters = _NOT_TEXT.sub("", text)
    if not unicodedata.is_normalized("NFKC", letters):
        letters = _NOT_TEXT.sub("", unicodedata.normalize("NFKC", letters))
    return letters.lower()


def _fmix(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finaliser: spreads the polynomial hash over all bits."""
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xFF51AFD7ED558CCD)
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xC4CEB9FE1A85EC53)
    return h ^ (h >> np.uint64(33))


def _position_hashes(letters: str) -> np.ndarray:
    """The hash of the shingle starting at each position (uint32), in order."""
    if not letters:
        return np.zeros(0, dtype=np.uint32)
    codes = np.frombuffer(letters.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    # A text shorter than a shingle is one shingle: two such texts are alike only when equal.
    width = min(SHINGLE, len(codes))
    count = len(codes) - width + 1
    h = np.zeros(count, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for offset in range(width):
            h = h * _PRIME + codes[offset : offset + count]
        h = h + np.uint64(width)
        return (_fmix(h) >> np.uint64(32)).astype(np.uint32)


def shingles(text: str) -> np.ndarray:
    """The text's shingle hashes, sorted and unique."""
    # Sorting and comparing neighbours: several times faster than np.unique on short arrays.
    hashes = np.sort(_position_hashes(normalized(text)))
    return hashes[np.r_[True, hashes[1:] != hashes[:-1]]] if len(hashes) else hashes


class Corpus:
    """Texts ready to compare: shingled once, boilerplate dropped, signatures computed."""

    def __init__(self, documents: Sequence[Document], *, ignore: Iterable[str] = ()):
        self.keys = [d.key for d in documents]
        self.texts = [d.text for d in documents]
        raw = [shingles(d.text) for d in documents]
        self.dropped = _dropped(raw, ignore)
        self.sets = [s[~self.dropped[s >> _DROP_SHIFT]] for s in raw]
        self.sizes = np.array([len(s) for s in self.sets], dtype=np.int64)
        self.signatures = _signatures(self.sets)

    def candidates(self, subjects: Iterable[int] | None = None) -> np.ndarray:
        """Pairs (i < j) whose signatures agree on all ROWS values of at least one band, at
        least one of them among `subjects`: the LSH banding."""
        count = len(self.keys)
        filled = np.flatnonzero(self.sizes > 0)
        found = []
        for band in range(BANDS):
            # Strided, not adjacent, columns: a densified bin copies its neighbour, and a band
            # of neighbours would agree as often as one bin does.
            values = self.signatures[filled, band : BANDS * ROWS : BANDS].astype(np.uint64)
            key = np.zeros(len(filled), dtype=np.uint64)
            with np.errstate(over="ignore"):
                for column in range(ROWS):
                    key = _fmix(key * _PRIME + values[:, column])
            found.append(_bucket_pairs(key, filled, count))
        codes = np.unique(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)
        pairs = np.stack([codes // count, codes % count], axis=1)
        if subjects is not None:
            chosen = np.zeros(count, dtype=bool)
            chosen[list(subjects)] = True
            pairs = pairs[chosen[pairs[:, 0]] | chosen[pairs[:, 1]]]
        return pairs

    def score(self, i: int, j: int) -> tuple[float, float, float]:
        """(similarity, Jaccard, containment), computed exactly."""
        smaller = int(min(self.sizes[i], self.sizes[j]))
        if not smaller:
            return 0.0, 0.0, 0.0
        common = len(np.intersect1d(self.sets[i], self.sets[j], assume_unique=True))
        jaccard = common / (int(self.sizes[i]) + int(self.sizes[j]) - common)
        containment = common / smaller
        return max(jaccard, containment if smaller >= CONTAINMENT_MIN else 0.0), jaccard, containment

    def pairs(
        self, *, threshold: float = DEFAULT_THRESHOLD, subjects: Iterable[int] | None = None
    ) -> list[Pair]:
        """Every pair scoring at least `threshold`, highest first, `a` before `b` in input order."""
        candidates = self.candidates(subjects)
        scored = []
        for i, j in self._likely(candidates, threshold):
            similarity, jaccard, containment = self.score(i, j)
            if similarity >= threshold:
                scored.append((-similarity, i, j, jaccard, containment))
        return [
            self._pair(i, j, -negative, jaccard, containment)
            for negative, i, j, jaccard, containment in sorted(scored)
        ]

    def _likely(self, candidates: np.ndarray, threshold: float) -> list[tuple[int, int]]:
        """The candidates whose signatures estimate a score near the threshold or above: the
        exact score is left for them."""
        if not len(candidates):
            return []
        i, j = candidates[:, 0], candidates[:, 1]
        # In chunks: the signatures of a million candidates at once would take gigabytes.
        estimate = np.concatenate(
            [
                (self.signatures[i[k : k + 100_000]] == self.signatures[j[k : k + 100_000]]).mean(axis=1)
                for k in range(0, len(i), 100_000)
            ]
        )
        a, b = self.sizes[i], self.sizes[j]
        common = estimate * (a + b) / (1 + estimate)
        smaller = np.minimum(a, b)
        contained = np.where(smaller >= CONTAINMENT_MIN, common / np.maximum(smaller, 1), 0)
        # The estimate's standard error at 126 values is under 0.05: 0.2 below loses no pair.
        keep = np.maximum(estimate, contained) >= threshold - 0.2
        return [(int(x), int(y)) for x, y in candidates[keep]]

    def _pair(self, i: int, j: int, similarity: float, jaccard: float, containment: float) -> Pair:
        a_spans, b_spans = shared_spans(self.texts[i], self.texts[j], dropped=self.dropped)
        longest = sorted(a_spans, key=lambda s: s[0] - s[1])[:PASSAGES_NAMED]
        return Pair(
            a=self.keys[i],
            b=self.keys[j],
            similarity=round(similarity, 4),
            jaccard=round(jaccard, 4),
            containment=round(containment, 4),
            a_spans=a_spans,
            b_spans=b_spans,
            shared=tuple(self.texts[i][start:end] for start, end in sorted(longest)),
        )


def similar_pairs(
    documents: Sequence[Document],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    subjects: Iterable[str] | None = None,
    ignore: Iterable[str] = (),
) -> list[Pair]:
    """The near-duplicate pairs among `documents` with at least one of them in `subjects`
    (all when None). `ignore` are texts whose phrases prove nothing (the guide)."""
    corpus = Corpus(documents, ignore=ignore)
    chosen = None
    if subjects is not None:
        wanted = set(subjects)
        chosen = [n for n, key in enumerate(corpus.keys) if key in wanted]
    return corpus.pairs(threshold=threshold, subjects=chosen)


def similarity(a: str, b: str, *, ignore: Iterable[str] = ()) -> float:
    """The score of two texts on their own (no collection, so no boilerplate counted)."""
    corpus = Corpus([Document("a", a), Document("b", b)], ignore=ignore)
    return corpus.score(0, 1)[0]


def _dropped(sets: list[np.ndarray], ignore: Iterable[str]) -> np.ndarray:
    """Which shingles to drop, by the top bits of their hash: a shingle sharing its bin with
    a dropped one is dropped too, which at 2^26 bins is rare enough not to matter."""
    dropped = np.zeros(1 << _DROPPED_BITS, dtype=bool)
    for text in ignore:
        dropped[shingles(text) >> _DROP_SHIFT] = True
    limit = max(COMMON_MIN_TEXTS, COMMON_FRACTION * len(sets))
    if len(sets) > limit:
        counts = np.zeros(1 << _DROPPED_BITS, dtype=np.int64)
        for start in range(0, len(sets), 10000):
            counts += np.bincount(
                np.concatenate(sets[start : start + 10000]) >> _DROP_SHIFT, minlength=len(counts)
            )
        dropped |= counts > limit
    return dropped


def _bucket_pairs(key: np.ndarray, positions: np.ndarray, count: int) -> np.ndarray:
    """The pairs of positions with equal keys, each as i * count + j with i < j."""
    order = np.argsort(key, kind="stable")
    ordered = key[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    sizes = np.diff(np.r_[starts, len(ordered)])
    two = starts[sizes == 2]
    first, second = positions[order[two]], positions[order[two + 1]]
    codes = [np.minimum(first, second) * count + np.maximum(first, second)]
    for start, size in zip(starts[sizes > 2].tolist(), sizes[sizes > 2].tolist(), strict=True):
        members = np.sort(positions[order[start : start + size]])
        i, j = np.triu_indices(size, k=1)
        codes.append(members[i] * count + members[j])
    return np.concatenate(codes)


def _signatures(sets: list[np.ndarray]) -> np.ndarray:
    """One-permutation MinHash: the hash range cut into NUM_PERM bins, the least hash of each
    bin kept; an empty bin takes the next filled bin's value (rotation densification), so that
    short texts have full signatures too. Empty texts keep an empty signature."""
    result = np.full((len(sets), NUM_PERM), _EMPTY, dtype=np.uint32)
    for start in range(0, len(sets), 5000):
        chunk = sets[start : start + 5000]
        lengths = np.array([len(s) for s in chunk], dtype=np.int64)
        if not lengths.sum():
            continue
        values = np.concatenate(chunk)
        rows = np.repeat(np.arange(len(chunk), dtype=np.int64), lengths)
        bins = (values.astype(np.uint64) * np.uint64(NUM_PERM)) >> np.uint64(32)
        flat = np.full(len(chunk) * NUM_PERM, _EMPTY, dtype=np.uint32)
        np.minimum.at(flat, rows * NUM_PERM + bins.astype(np.int64), values)
        result[start : start + len(chunk)] = _densified(flat.reshape(len(chunk), NUM_PERM))
    return result


def _densified(signatures: np.ndarray) -> np.ndarray:
    filled = signatures != _EMPTY
    partial = filled.any(axis=1) & ~filled.all(axis=1)
    if not partial.any():
        return signatures
    rows = signatures[partial]
    twice = np.concatenate([rows, rows], axis=1)
    mask = np.concatenate([filled[partial], filled[partial]], axis=1)
    index = np.where(mask, np.arange(2 * NUM_PERM), 2 * NUM_PERM)
    following = np.minimum.accumulate(index[:, ::-1], axis=1)[:, ::-1][:, :NUM_PERM]
    distance = following - np.arange(NUM_PERM)
    taken = np.take_along_axis(twice, following, axis=1)
    with np.errstate(over="ignore"):
        # The distance tells two texts apart whose next filled bins differ.
        moved = (taken.astype(np.uint64) + distance.astype(np.uint64) * np.uint64(0x9E3779B9)).astype(
            np.uint32
        )
    rows = np.where(filled[partial], rows, moved)
    signatures = signatures.copy()
    signatures[partial] = rows
    return signatures


def _letters_with_offsets(text: str) -> tuple[str, np.ndarray]:
    """The normalised letters of `text` (as `normalized` gives them) and, for each, its
    offset in `text`."""
    letters: list[str] = []
    starts: list[int] = []
    lengths: list[int] = []
    for run in _LETTERS.finditer(text):
        word = run.group()
        if unicodedata.is_normalized("NFKC", word) and word.lower() == word:
            letters.append(word)
            starts.append(run.start())
            lengths.append(len(word))
            continue
        for offset, char in enumerate(word, start=run.start()):
            changed = normalized(char)
            letters.append(changed)
            # Each letter a character becomes is "at" that character.
            starts.extend([offset] * len(changed))
            lengths.extend([1] * len(changed))
    counts = np.array(lengths, dtype=np.int64)
    # Consecutive offsets within each run: the run's start plus the position inside it.
    inside = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    return "".join(letters), np.repeat(np.array(starts, dtype=np.int64), counts) + inside


def shared_spans(
    a: str, b: str, *, dropped: np.ndarray | None = None
) -> tuple[tuple[tuple[int, int], ...], tuple[tuple[int, int], ...]]:
    """Where `a` and `b` share passages of PASSAGE_MIN letters or more, in each one's own
    offsets. A passage of dropped shingles only (the guide's phrases, boilerplate) is no
    evidence and is left out; one that has evidence is shown whole, guide words included."""
    a_letters, a_offsets = _letters_with_offsets(a)
    b_letters, b_offsets = _letters_with_offsets(b)
    a_hashes, b_hashes = _position_hashes(a_letters), _position_hashes(b_letters)
    a_shared, b_shared = _among(a_hashes, b_hashes), _among(b_hashes, a_hashes)
    if dropped is None:
        a_evidence, b_evidence = a_shared, b_shared
    else:
        a_evidence = a_shared & ~dropped[a_hashes >> _DROP_SHIFT]
        b_evidence = b_shared & ~dropped[b_hashes >> _DROP_SHIFT]
    return (
        _spans(a_shared, a_evidence, a_letters, a_offsets),
        _spans(b_shared, b_evidence, b_letters, b_offsets),
    )


def _among(values: np.ndarray, others: np.ndarray) -> np.ndarray:
    """Which of `values` are among `others` (np.isin, without its sorting of both)."""
    if not len(others):
        return np.zeros(len(values), dtype=bool)
    ordered = np.sort(others)
    found = np.minimum(np.searchsorted(ordered, values), len(ordered) - 1)
    return ordered[found] == values


def _spans(
    shared: np.ndarray, evidence: np.ndarray, letters: str, offsets: np.ndarray
) -> tuple[tuple[int, int], ...]:
    covered = np.zeros(len(letters) + 1, dtype=np.int8)
    width = min(SHINGLE, len(letters))
    for shift in range(width):
        covered[shift : shift + len(shared)] |= shared
    edges = np.diff(np.r_[0, covered])
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    proven = np.r_[0, np.cumsum(evidence)]
    longest = min(PASSAGE_MIN, len(letters))
    return tuple(
        (int(offsets[start]), int(offsets[end - 1]) + 1)
        for start, end in zip(starts.tolist(), ends.tolist(), strict=True)
        # A shingle starting in the passage is evidence when it is no dropped one.
        if end - start >= longest and proven[min(end, len(evidence))] > proven[min(start, len(evidence))]
    )
