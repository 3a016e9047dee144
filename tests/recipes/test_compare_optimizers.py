"""compare_optimizers: paths from one start over the loss contour, curves vs epoch and time."""

import numpy as np
import pytest

from kerasdl import recipes
from kerasdl.recipes.compare_optimizers import DEFAULTS


def test_smoke_paths_curves_and_table(tiny_run, check_run):
    result, run_dir = tiny_run("compare_optimizers")  # small settings: conftest.SMALL_SETTINGS
    assert list(result.metrics) == ["gd", "sgd", "momentum", "adam"]
    paths = result.extras["trajectories"]
    for name, path in paths.items():
        assert path[0] == (-2.0, 4.0), name  # the common start
    # one point per step: gd takes 1 step per epoch, sgd one per sample (32 training points)
    assert len(paths["gd"]) == 1 + 2
    assert len(paths["sgd"]) == 1 + 2 * 32
    assert len(paths["momentum"]) == 1 + 2 * 2  # batches of 16
    final = result.extras["final"]
    assert final["adam"]["learning_rate"] == 0.3  # merged into the defaults
    assert final["gd"]["learning_rate"] == DEFAULTS["learning_rates"]["gd"]
    assert (final["gd"]["batch_size"], final["sgd"]["batch_size"]) == (32, 1)
    assert (final["sgd"]["w"], final["sgd"]["b"]) == paths["sgd"][-1]
    check_run(run_dir, recipe="compare_optimizers",
              figures=["optimizers_loss.png", "optimizers_trajectories.png"],
              sub_runs=["gd", "sgd", "momentum", "adam"])
    lines = (run_dir / "optimizers.csv").read_text().splitlines()
    assert lines[0] == "optimizer,learning_rate,batch_size,final_train_loss,test_loss,fit_s,w,b"
    assert [line.split(",")[0] for line in lines[1:]] == ["gd", "sgd", "momentum", "adam"]
    # online SGD moves every sample: its first epoch goes further down than one GD step
    assert result.history["sgd"]["loss"][0] < result.history["gd"]["loss"][0]
    assert np.isfinite(final["adam"]["test_loss"])


def test_unknown_optimizer():
    with pytest.raises(ValueError, match=r"`optimizers` must be one of .*received 'adamm'\. "
                                         r"Did you mean 'adam'"):
        recipes.run("compare_optimizers", optimizers=("gd", "adamm"), verbose=0)
