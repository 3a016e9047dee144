"""multivariable_regression: GD fits the exam-scores table."""

import numpy as np



def test_fits_the_exam_scores(tiny_run, check_run):
    result, run_dir = tiny_run("multivariable_regression")  # small settings: conftest.SMALL_SETTINGS
    assert result.extras["targets"] == [152.0, 185.0, 180.0, 196.0, 142.0]
    errors = np.abs(np.array(result.extras["predictions"]) - result.extras["targets"])
    assert errors.max() < 3.0
    assert result.metrics["loss"] < 4.0
    assert len(result.extras["w"]) == 3
    check_run(run_dir, recipe="multivariable_regression",
              figures=["learning_curves.png", "predictions.png"])
