"""xor: a single layer stays <= 75%, one hidden layer reaches 100% (seeded)."""

from kerasdl import recipes


def test_perceptron_fails_and_mlp_solves_xor(tiny_run, check_run):
    result, run_dir = tiny_run("xor")  # small settings: conftest.SMALL_SETTINGS
    assert result.metrics["perceptron"]["accuracy"] <= 0.75
    assert result.metrics["mlp"]["accuracy"] == 1.0
    check_run(run_dir, recipe="xor",
              figures=["xor_boundaries.png", "hidden_lines.png"],
              sub_runs=["perceptron", "mlp"])
    assert sorted(result.history) == ["mlp", "perceptron"]


def test_runs_on_other_binary_data_without_2d_plots(tmp_path):
    import numpy as np

    from kerasdl import data as kdata

    rng = np.random.default_rng(0)
    x = rng.integers(0, 2, size=(16, 3)).astype("float32")
    y = (x.sum(axis=1) % 2).astype(int)  # 3-input parity
    result = recipes.run("xor", data=kdata.from_arrays(x, y, name="parity3"), epochs=2,
                         perceptron_epochs=1, verbose=0, run_dir=tmp_path / "parity")
    assert set(result.metrics) == {"perceptron", "mlp"}
    # no 2-D plots for 3 inputs: only the report's overlaid curves of the two models
    assert result.extras["figures"] == [str(tmp_path / "parity" / "plots" /
                                            "comparison_curves.png")]
