"""The duplicate keys of a batch of rows, computed as arrays at once, equal the per-row
definitions (`content_key`, `hash64`, `title_key`, `near_keys`)."""

import numpy as np

from newsprep.config import load_config
from newsprep.dedup import batch_keys, content_key, content_keys, near_keys, scheme_of
from newsprep.textnorm import hash64, hash_hex, title_key


def test_content_keys_equal_content_key():
    hexes = [hash_hex(str(i), "body") for i in range(50)]
    want = np.array([content_key(h) for h in hexes], dtype=np.uint64)
    got = content_keys(hexes)
    assert got.dtype == np.uint64 and got.shape == (50, 2) and (got == want).all()
    assert content_keys([]).shape == (0, 2)


def test_odd_hashes_fall_back_to_one_at_a_time():
    odd = ["0" * 31 + "1", "f" * 40, "1" * 32]  # a longer one: content_key reads 32 digits
    assert content_keys(odd).tolist() == [list(content_key(h)) for h in odd]
    mixed = ["0" * 30, "2" * 34]  # 64 digits together, but cut elsewhere than per hash
    assert content_keys(mixed).tolist() == [list(content_key(h)) for h in mixed]


def test_batch_keys_equal_the_row_by_row_keys():
    cfg = load_config()
    rows = [{"id": f"id-{i}", "title": f"Title {i % 7}!", "text": f"body words {i} " * 9,
             "content_hash": hash_hex(f"Title {i}", f"body {i}")} for i in range(30)]
    id_h, title_h, content_h, keys, sig16 = batch_keys(rows, scheme_of(cfg))
    assert id_h.tolist() == [hash64(r["id"]) for r in rows]
    assert title_h.tolist() == [hash64(title_key(r["title"])) for r in rows]
    assert content_h.tolist() == [list(content_key(r["content_hash"])) for r in rows]
    want_keys, want_sig16 = near_keys([r["text"] for r in rows], scheme_of(cfg))
    assert (keys == want_keys).all() and (sig16 == want_sig16).all()
    assert keys.dtype == np.uint64 and sig16.dtype == np.uint16
    empty = batch_keys([], scheme_of(cfg))
    assert [a.shape[0] for a in empty] == [0] * 5
