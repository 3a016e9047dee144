"""xor: a single layer stays <= 75%, one hidden layer reaches 100% (seeded)."""

import recipes


def test_perceptron_fails_and_mlp_solves_xor(tmp_path, check_run):
    result = recipes.run("xor", verbose=0, run_dir=tmp_path / "xor")
    assert result.metrics["perceptron"]["accuracy"] <= 0.75
    assert result.metrics["mlp"]["accuracy"] == 1.0
    check_run(tmp_path / "xor", recipe="xor",
              figures=["xor_boundaries.png", "hidden_lines.png"],
              sub_runs=["perceptron", "mlp"])
    assert sorted(result.history) == ["mlp", "perceptron"]
