"""Our vectorised signatures against datasketch itself: same values, usable in its LSH."""

from __future__ import annotations

import random

import numpy as np
import pytest
from datasketch import MinHash, MinHashLSH

from forge_data.config import ShingleConfig
from forge_data.dedup.shingles import ShingleHasher, batch_shingles, shingle_tuples, tokens
from forge_data.dedup.signatures import EMPTY, lsh_params, signatures, to_lean_minhash

from .corpus import document, edit, vocabulary

TEXTS = [
    "the quick brown fox jumps over the lazy dog and runs far away into the woods",
    "def area(r):\n    return 3.14159 * r ** 2  # circle",
    "héllo wörld — ünïcode text with 日本語 inside",
    "two words",
    "",
    "   \n\t ",
]


@pytest.mark.parametrize(("unit", "size"), [("word", 5), ("token", 4), ("char", 6), ("word", 1)])
def test_signatures_equal_datasketch_minhash_with_the_same_shingles(unit, size):
    cfg = ShingleConfig(unit=unit, size=size)
    sigs = signatures(TEXTS, cfg, num_perm=64, seed=7)
    hasher = ShingleHasher()
    for text, sig in zip(TEXTS, sigs, strict=True):
        m = MinHash(num_perm=64, seed=7, hashfunc=hasher)
        m.update_batch(shingle_tuples(text, cfg))
        assert np.array_equal(m.hashvalues, sig), text


def test_code_tokens_split_punctuation_and_words_split_on_space():
    assert tokens("f(x)+ab_c", "token") == [b"f", b"(", b"x", b")", b"+", b"ab_c"]
    assert tokens("f(x)+ab_c  next", "word") == [b"f(x)+ab_c", b"next"]


def test_short_and_empty_texts():
    sh = batch_shingles(["a b", "", "a b c d e f"], ShingleConfig(unit="word", size=5))
    assert sh.counts().tolist() == [1, 0, 2]
    sigs = signatures(["", "x"], ShingleConfig(), 32, 1)
    assert (sigs[0] == EMPTY).all() and not (sigs[1] == EMPTY).all()


def test_lsh_params_are_datasketchs_and_lean_minhashes_work_in_its_lsh():
    rng = random.Random(3)
    vocab = vocabulary(rng)
    base = [document(rng, vocab) for _ in range(40)]
    near = [edit(rng, base[0], 0.01, vocab)]
    texts = [" ".join(w) for w in base + near]
    sigs = signatures(texts, ShingleConfig(), 128, 1)
    lsh = MinHashLSH(threshold=0.8, num_perm=128)
    assert (lsh.b, lsh.r) == lsh_params(0.8, 128)
    for i, sig in enumerate(sigs[:-1]):
        lsh.insert(f"d{i}", to_lean_minhash(sig, seed=1))
    query = to_lean_minhash(sigs[-1], seed=1)
    assert lsh.query(query) == ["d0"]
    # And the estimate matches the one datasketch computes from its own MinHash objects.
    own = MinHash(num_perm=128, seed=1, hashfunc=ShingleHasher())
    own.update_batch(shingle_tuples(texts[0], ShingleConfig()))
    assert own.jaccard(query) == pytest.approx(float((sigs[0] == sigs[-1]).mean()))


def test_exact_verifier_gives_the_exact_shingle_jaccard():
    from forge_data.config import DedupConfig
    from forge_data.dedup.candidates import ExactJaccard

    rng = random.Random(4)
    vocab = vocabulary(rng)
    base = document(rng, vocab, 80)
    texts = [
        " ".join(base),
        " ".join(edit(rng, base, 0.05, vocab)),
        "def f(x): return x",
        "def f(y): return y",
    ]
    is_code = np.array([False, False, True, True])
    cfg = DedupConfig()
    verifier = ExactJaccard(texts, is_code, np.arange(4), cfg)
    got = verifier.similarity(np.array([0, 2]), np.array([1, 3]))
    for k, (i, j, shingles) in enumerate([(0, 1, cfg.prose_shingles), (2, 3, cfg.code_shingles)]):
        a, b = set(shingle_tuples(texts[i], shingles)), set(shingle_tuples(texts[j], shingles))
        assert got[k] == pytest.approx(len(a & b) / len(a | b))
