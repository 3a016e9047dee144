"""logic_gates: the perceptron rule learns AND, OR and NAND to 100% (seeded)."""

import numpy as np
import pytest

from kerasdl import recipes


def test_gates_reach_100_percent_and_plot_their_lines(tiny_run, check_run):
    result, run_dir = tiny_run("logic_gates")  # small settings: conftest.SMALL_SETTINGS
    assert result.metrics == {gate: {"accuracy": 1.0, "loss": 0.0}
                              for gate in ("and", "or", "nand")}
    # the learned lines reproduce each truth table exactly
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    truth = {"and": [0, 0, 0, 1], "or": [0, 1, 1, 1], "nand": [1, 1, 1, 0]}
    for gate, wb in result.extras["weights"].items():
        fired = (x @ np.array(wb["w"]) + wb["b"] >= 0).astype(int).tolist()
        assert fired == truth[gate], gate
    config = check_run(run_dir, recipe="logic_gates",
                       figures=["decision_lines.png"], sub_runs=["and", "or", "nand"])
    assert config["recipe"]["settings"]["gates"] == ["and", "or", "nand"]
    assert config["recipe"]["results"]["weights"] == result.extras["weights"]
    # the recipe's decision lines, and the report's overlaid curves of the three gates
    assert result.extras["figures"] == [str(run_dir / "plots" / name) for name in
                                        ("comparison_curves.png", "decision_lines.png")]
    assert set(result.model) == {"and", "or", "nand"}


def test_unknown_gate():
    with pytest.raises(ValueError, match=r"`gates` must be one of 'and', 'nand', 'or', 'xor'; "
                                         r"received 'nor'"):
        recipes.run("logic_gates", gates=("and", "nor"), verbose=0)
