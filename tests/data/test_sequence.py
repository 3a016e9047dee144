"""ArraySequence (keras.utils.PyDataset, every backend) and to_tf_dataset (TensorFlow)."""

import numpy as np
import pytest

import kerasdl.data as kd


def test_batches_cover_every_sample_once_per_epoch():
    x = np.arange(10, dtype=np.float32).reshape(10, 1)
    seq = kd.ArraySequence(x, np.arange(10), batch_size=4, seed=0)
    assert len(seq) == 3 and seq.num_batches == 3
    epoch0 = np.concatenate([seq[i][1] for i in range(len(seq))])
    assert sorted(epoch0.tolist()) == list(range(10))
    np.testing.assert_array_equal(seq[0][0][:, 0], seq[0][1])  # x and y stay paired
    seq.on_epoch_end()
    epoch1 = np.concatenate([seq[i][1] for i in range(len(seq))])
    assert sorted(epoch1.tolist()) == list(range(10))
    assert epoch0.tolist() != epoch1.tolist()


def test_order_is_deterministic_per_seed_and_epoch():
    x = np.arange(50, dtype=np.float32).reshape(50, 1)
    a = kd.ArraySequence(x, batch_size=8, seed=3)
    b = kd.ArraySequence(x, batch_size=8, seed=3)
    b.on_epoch_end()
    b.set_epoch(0)
    for i in range(len(a)):
        np.testing.assert_array_equal(a[i][0], b[i][0])
    assert a[0][0].shape == (8, 1) and len(a[0]) == 1  # x only (for predict)


def test_no_shuffle_keeps_order_and_sample_weights():
    seq = kd.ArraySequence(np.arange(5), np.arange(5), batch_size=2, shuffle=False,
                           sample_weight=np.ones(5))
    assert [b[1].tolist() for b in (seq[0], seq[1], seq[2])] == [[0, 1], [2, 3], [4]]
    assert seq[-1][2].tolist() == [1.0]


def test_from_dataset_part():
    data = kd.load("iris", val=0.2, test=0.2)
    seq = kd.ArraySequence(data, part="val", batch_size=100)
    assert len(seq[0][0]) == 30
    with pytest.raises(ValueError, match=r"Dataset 'xor' has no 'test' part; it has \['train'\]"):
        kd.ArraySequence(kd.load("xor"), part="test")


def test_bad_arguments():
    with pytest.raises(ValueError, match=r"`batch_size` must be a positive integer \(>= 1\); "
                                         r"received 0."):
        kd.ArraySequence(np.zeros(3), np.zeros(3), batch_size=0)
    with pytest.raises(ValueError, match=r"`x` and `y` must have the same number of samples; "
                                         r"received 3 and 2."):
        kd.ArraySequence(np.zeros(3), np.zeros(2))
    with pytest.raises(TypeError, match=r"unknown argument\(s\) \['worker'\]"):
        kd.ArraySequence(np.zeros(3), worker=2)
    with pytest.raises(IndexError, match="batch index 5 out of range for 1 batches"):
        kd.ArraySequence(np.zeros(3))[5]


def test_model_fit_on_the_active_backend(seed):
    import keras

    data = kd.load("and", repeats=8)
    seq = kd.ArraySequence(data.x_train, data.y_train, batch_size=8, seed=0)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss="binary_crossentropy")
    history = model.fit(seq, epochs=3, verbose=0)
    assert len(history.history["loss"]) == 3
    assert np.isfinite(history.history["loss"]).all()
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert seq.epoch >= 3  # keras also calls on_epoch_end once when it resets the iterator


def test_to_tf_dataset_pipeline(backend):
    if backend != "tensorflow":
        pytest.skip("tf.data pipeline is the TensorFlow-backend path")
    import tensorflow as tf

    x = np.arange(10, dtype=np.float32).reshape(10, 1)
    ds = kd.to_tf_dataset(x, np.arange(10), batch_size=4, seed=0)
    assert isinstance(ds, tf.data.Dataset)
    epoch0 = np.concatenate([yb.numpy() for _, yb in ds])
    epoch1 = np.concatenate([yb.numpy() for _, yb in ds])
    assert sorted(epoch0.tolist()) == sorted(epoch1.tolist()) == list(range(10))
    plain = kd.to_tf_dataset(x, np.arange(10), batch_size=4, shuffle=False, cache=False,
                             prefetch=False, drop_remainder=True)
    assert [yb.numpy().tolist() for _, yb in plain] == [[0, 1, 2, 3], [4, 5, 6, 7]]


def test_to_tf_dataset_fits_a_model(backend, seed):
    if backend != "tensorflow":
        pytest.skip("tf.data pipeline is the TensorFlow-backend path")
    import keras

    data = kd.load("or", repeats=8)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    history = model.fit(kd.to_tf_dataset(data, batch_size=8), epochs=2, verbose=0,
                        shuffle=False)
    assert np.isfinite(history.history["loss"]).all()


def test_to_tf_dataset_bad_batch_size():
    with pytest.raises(ValueError, match=r"`batch_size` must be a positive integer"):
        kd.to_tf_dataset(np.zeros(3), batch_size=-1)
