"""How well each expert fits each application, from text alone and offline.

简体中文 has no spaces between words, so the texts are compared as character 2- and
3-grams, TF-IDF weighted (scikit-learn), by cosine similarity; an expert whose 学科领域 is
the application's gets a bonus, one in the same parent field half of it.
"""

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer


def text_affinity(application_texts: list[str], expert_texts: list[str]) -> np.ndarray:
    if not application_texts or not expert_texts:
        return np.zeros((len(application_texts), len(expert_texts)))
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(2, 3), sublinear_tf=True, min_df=1)
    matrix = vectorizer.fit_transform(application_texts + expert_texts)
    apps, experts = matrix[: len(application_texts)], matrix[len(application_texts) :]
    return (apps @ experts.T).toarray()


def field_bonus(
    application_fields: list[str | None],
    application_parents: list[str | None],
    expert_fields: list[set[str]],
    expert_parents: list[set[str]],
    bonus: float,
) -> np.ndarray:
    """`bonus` where the expert has the application's field, half where only the parent matches."""
    same = _overlap(application_fields, expert_fields)
    related = _overlap(application_parents, expert_parents)
    return np.where(same, bonus, np.where(related, bonus / 2, 0.0))


def _overlap(application_codes: list[str | None], expert_codes: list[set[str]]) -> np.ndarray:
    vocabulary = {
        c: i
        for i, c in enumerate(
            sorted({c for s in expert_codes for c in s} | set(filter(None, application_codes)))
        )
    }
    apps = sparse.lil_matrix((len(application_codes), max(len(vocabulary), 1)))
    for i, code in enumerate(application_codes):
        if code:
            apps[i, vocabulary[code]] = 1
    experts = sparse.lil_matrix((len(expert_codes), max(len(vocabulary), 1)))
    for j, codes in enumerate(expert_codes):
        for code in codes:
            experts[j, vocabulary[code]] = 1
    return (apps.tocsr() @ experts.tocsr().T).toarray() > 0
