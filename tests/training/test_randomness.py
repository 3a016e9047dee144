"""Phase 3 (kerasdl/training/_randomness.py): the public seed call and PyTorch's step seeds."""

import importlib.util
import os
import random
import subprocess
import sys

import keras
import numpy as np
import pytest

import kerasdl
from kerasdl.training._randomness import draws_random_numbers, seed_torch


def _draws():
    return (random.random(), float(np.random.rand()),
            keras.ops.convert_to_numpy(keras.random.uniform((3,))).tolist())


def test_set_random_seed_repeats_what_keras_set_random_seed_gives():
    keras.utils.set_random_seed(7)
    expected = _draws()
    kerasdl.set_random_seed(7)
    assert _draws() == expected
    kerasdl.set_random_seed(8)
    assert _draws() != expected


@pytest.mark.parametrize("seed, error, message", [
    (-1, ValueError, r"`seed` must be >= 0; received -1"),
    (1.5, TypeError, r"`seed` must be an integer; received 1\.5 of type float\."),
])
def test_set_random_seed_refuses_a_bad_seed(seed, error, message):
    with pytest.raises(error, match=message):
        kerasdl.set_random_seed(seed)


@pytest.mark.backend_independent
@pytest.mark.skipif(importlib.util.find_spec("jax") is None, reason="jax is not installed")
def test_set_random_seed_does_not_import_tensorflow_on_another_backend():
    code = ("import sys, kerasdl\nkerasdl.set_random_seed(0)\n"
            "print('tensorflow' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=dict(os.environ, KERAS_BACKEND="jax"), timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.strip() == "False"


def test_only_a_model_with_seed_states_draws_random_numbers():
    plain = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3),
                              keras.layers.BatchNormalization(), keras.layers.Dense(2)])
    plain.compile("adam", "mse", metrics=["mae"])
    assert draws_random_numbers(plain) is False
    dropout = keras.Sequential([keras.Input((4,)), keras.layers.Dropout(0.5),
                                keras.layers.Dense(2)])
    assert draws_random_numbers(dropout) is True


@pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="torch is not installed")
def test_seed_torch_gives_torch_manual_seeds_cpu_stream():
    import torch

    torch.manual_seed(5)
    expected = torch.rand(4).tolist()
    torch.rand(10)  # move the generator on
    seed_torch(5)
    assert torch.rand(4).tolist() == expected
