"""regularization_study: variants, gap table and figure; data without a validation part."""

import numpy as np
import pytest

from kerasdl import recipes
from kerasdl import data as kdata


def test_smoke_table_and_figure(tiny_run, check_run):
    result, run_dir = tiny_run("regularization_study")  # small settings: conftest.SMALL_SETTINGS
    table = result.extras["table"]
    assert [row["variant"] for row in table] == ["baseline", "early_stopping", "augmentation"]
    for row in table:
        assert row["gap"] == pytest.approx(row["train_accuracy"] - row["val_accuracy"])
        assert row["epochs"] <= 2
    models = result.model
    assert type(models["augmentation"].layers[0]).__name__ == "AugmentationPipeline"
    assert not any("dropout" in layer.name for layer in models["baseline"].layers)
    check_run(run_dir, recipe="regularization_study", figures=["regularization.png"],
              sub_runs=["baseline", "augmentation"])
    lines = (run_dir / "regularization_gap.csv").read_text().splitlines()
    assert lines[0] == "variant,train_accuracy,val_accuracy,gap,test_accuracy,epochs"
    assert len(lines) == 4


def test_needs_a_validation_part():
    data = kdata.from_arrays(np.zeros((10, 8, 8, 1), "float32"), np.arange(10) % 2,
                             name="noval")
    with pytest.raises(ValueError, match=r"`data` 'noval' needs a validation part"):
        recipes.run("regularization_study", data=data, verbose=0)


def test_unknown_variant():
    with pytest.raises(ValueError, match=r"`variants` must be one of .*received 'droput'\. "
                                         r"Did you mean 'dropout'"):
        recipes.run("regularization_study", variants=("droput",), verbose=0)
