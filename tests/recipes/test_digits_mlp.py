"""digits_mlp: smoke run on the embedded digits."""

from kerasdl import recipes


def test_smoke(tmp_path, check_run):
    result = recipes.run("digits_mlp", epochs=1, hidden=(16,), verbose=0,
                         run_dir=tmp_path / "dm")
    assert result.model.input_shape == (None, 64)
    assert [l.name for l in result.model.layers if "dropout" in l.name] == ["hidden_0_dropout"]
    assert set(result.metrics) >= {"accuracy", "loss"}
    check_run(tmp_path / "dm", recipe="digits_mlp", figures=["confusion_matrix.png"])
