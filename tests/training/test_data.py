import keras
import numpy as np
import pytest

from kerasdl.training._data import EpochBatches, infer_task, prepare_data


def test_batch_order_is_a_pure_function_of_seed_and_epoch():
    x = np.arange(10, dtype="float32").reshape(10, 1)
    y = np.arange(10)
    a, b = EpochBatches(x, y, 4, seed=3), EpochBatches(x, y, 4, seed=3)
    b.set_epoch(5)
    b.set_epoch(1)  # history does not matter, only (seed, epoch)
    a.set_epoch(1)
    assert [a[i][1].tolist() for i in range(len(a))] == [b[i][1].tolist() for i in range(3)]
    expected = np.random.default_rng([3, 1]).permutation(10)
    assert np.concatenate([a[i][1] for i in range(3)]).tolist() == expected.tolist()
    assert len(a) == 3 and a[2][0].shape == (2, 1)
    resumed = EpochBatches(x, y, 4, seed=3, start_batch=1)
    resumed.set_epoch(1)
    assert len(resumed) == 2 and resumed[0][1].tolist() == a[1][1].tolist()
    fixed = EpochBatches(x, y, 4, shuffle=False)
    assert fixed[0][1].tolist() == [0, 1, 2, 3]


def test_infer_task_from_labels_and_head():
    def head(units, activation):
        return keras.Sequential([keras.Input((2,)), keras.layers.Dense(units,
                                                                       activation=activation)])

    assert infer_task(head(3, "softmax"), np.array([0, 2, 1])) == ("multiclass", 3)
    assert infer_task(head(1, "sigmoid"), np.array([0, 1, 1])) == ("binary", 2)
    assert infer_task(head(1, None), np.array([0.5, 1.5])) == ("regression", None)
    assert infer_task(head(3, "softmax"), np.eye(3)[[0, 2]]) == ("multiclass", 3)
    assert infer_task(head(2, None), np.array([[0.5, 1.0], [2.0, 0.1]])) == \
        ("regression", None)


def test_validation_split_is_seeded_and_disjoint():
    x = np.arange(20, dtype="float32").reshape(20, 1)
    y = np.arange(20) % 2
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1, activation="sigmoid")])
    a = prepare_data(model, (x, y), validation_split=0.25, seed=1)
    b = prepare_data(model, (x, y), validation_split=0.25, seed=1)
    assert a.x_val.ravel().tolist() == b.x_val.ravel().tolist() and len(a.x_val) == 5
    assert sorted(a.x_train.ravel().tolist() + a.x_val.ravel().tolist()) == list(range(20))
    with pytest.raises(ValueError, match=r"`validation_split` 0\.01 of 20 training samples "
                                         r"leaves an empty part"):
        prepare_data(model, (x, y), validation_split=0.01)
