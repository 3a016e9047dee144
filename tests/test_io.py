"""Tests for kerasdl/_io.py: atomic writes never leave a half-written file."""

import json
import os

import numpy as np
import pytest

from kerasdl import _io


def test_atomic_write_text_and_json(tmp_path):
    p = tmp_path / "sub" / "a.json"
    _io.atomic_write_json(p, {"a": np.float32(1.5), "b": np.arange(3), "c": tmp_path})
    assert json.loads(p.read_text()) == {"a": 1.5, "b": [0, 1, 2], "c": str(tmp_path)}
    _io.atomic_write_text(p, "new")
    assert p.read_text() == "new"
    assert os.listdir(p.parent) == ["a.json"]  # no temporary files left behind


def test_failed_write_keeps_previous_content(tmp_path):
    p = tmp_path / "model.bin"
    _io.atomic_write_bytes(p, b"good")
    with pytest.raises(RuntimeError, match="crash"):
        with _io.atomic_path(p) as tmp:
            tmp.write_bytes(b"half")
            raise RuntimeError("crash")
    assert p.read_bytes() == b"good"
    assert os.listdir(tmp_path) == ["model.bin"]


def test_atomic_path_keeps_suffix_for_format_sniffing_writers(tmp_path):
    p = tmp_path / "w.npy"
    with _io.atomic_path(p) as tmp:
        assert tmp.suffix == ".npy" and tmp.parent == tmp_path and not tmp.exists()
        np.save(tmp, np.arange(4))
    np.testing.assert_array_equal(np.load(p), np.arange(4))


def test_writer_that_writes_nothing_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="the writer produced no file"):
        with _io.atomic_path(tmp_path / "x.txt"):
            pass
    assert not (tmp_path / "x.txt").exists()
