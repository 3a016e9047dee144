"""digits_mlp: smoke run on the embedded digits."""


def test_smoke(tiny_run, check_run):
    result, run_dir = tiny_run("digits_mlp")  # small settings: conftest.SMALL_SETTINGS
    assert result.model.input_shape == (None, 64)
    assert [l.name for l in result.model.layers if "dropout" in l.name] == ["hidden_0_dropout"]
    assert set(result.metrics) >= {"accuracy", "loss"}
    check_run(run_dir, recipe="digits_mlp", figures=["confusion_matrix.png"])
