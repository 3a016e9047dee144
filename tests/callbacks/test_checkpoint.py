import os
import zipfile

import keras
import numpy as np
import pytest

from kerasdl.callbacks import (Checkpoint, latest_checkpoint, list_checkpoints,
                               load_checkpoint_model, read_checkpoint)
from kerasdl.callbacks._checkpoint import (model_fingerprint, restore_checkpoint,
                                           write_checkpoint)
from kerasdl.errors import CheckpointError, NonFiniteLossError


def compiled(units=2):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(units),
                              keras.layers.Dropout(0.5), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    model.optimizer.build(model.trainable_variables)
    return model


def test_with_model_fit_every_n_batches_keeps_the_newest(tmp_path):
    x = np.random.default_rng(0).normal(size=(20, 3)).astype("float32")
    model = compiled()
    ckpt = Checkpoint(tmp_path, every=2, keep=2)
    model.fit(x, x[:, :1], epochs=2, batch_size=5, verbose=0, callbacks=[ckpt])
    # 4 batches per epoch: steps 2 (e0 b2), 4 = epoch end, 6 (e1 b2), 8 = epoch end
    assert [p.name for p in ckpt.saved] == [
        "epoch0000-batch000002.keras", "epoch0001-batch000000.keras",
        "epoch0001-batch000002.keras", "epoch0002-batch000000.keras"]
    assert [p.name for p in list_checkpoints(tmp_path)] == [
        "epoch0001-batch000002.keras", "epoch0002-batch000000.keras"]
    path, meta, arrays, skipped = latest_checkpoint(tmp_path)
    assert (meta["epoch"], meta["batch"], meta["global_step"]) == (2, 0, 8)
    assert len(meta["history"]["loss"]) == 2 and skipped == []
    mid_meta, mid_arrays = read_checkpoint(tmp_path / "epoch0001-batch000002.keras")
    assert mid_meta["n_metric_variables"] == 2 and "metric/0" in mid_arrays
    loaded = load_checkpoint_model(path)
    for a, b in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_restore_weights_optimizer_and_seed_state(tmp_path):
    model = compiled()
    x = np.ones((4, 3), "float32")
    model.fit(x, x[:, :1], epochs=1, verbose=0)
    path = write_checkpoint(tmp_path / "epoch0001-batch000000.keras", model,
                            meta={"epoch": 1, "batch": 0})
    meta, arrays = read_checkpoint(path)
    other = compiled()
    restore_checkpoint(other, path, meta, arrays)
    for a, b in zip(other.variables + other.optimizer.variables,
                    model.variables + model.optimizer.variables):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


def test_a_failed_write_leaves_the_previous_file(tmp_path, monkeypatch):
    model = compiled()
    path = tmp_path / "epoch0001-batch000000.keras"
    write_checkpoint(path, model, meta={"epoch": 1, "batch": 0})
    before = path.read_bytes()

    real_writestr = zipfile.ZipFile.writestr

    def broken_writestr(self, name, data, *args, **kwargs):
        if name == "kerasdl_state.npz":  # the config and progress are in, the arrays not
            real_writestr(self, name, data[:len(data) // 2], *args, **kwargs)
            raise OSError("disk full")
        return real_writestr(self, name, data, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "writestr", broken_writestr)
    with pytest.raises(OSError, match="disk full"):
        write_checkpoint(path, model, meta={"epoch": 1, "batch": 0})
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == [path.name]  # no temporary left behind


def test_non_finite_weights_are_never_written(tmp_path):
    model = compiled()
    model.layers[0].kernel.assign(np.full((3, 2), np.nan, "float32"))
    with pytest.raises(NonFiniteLossError, match="holds NaN or inf"):
        write_checkpoint(tmp_path / "epoch0000-batch000001.keras", model,
                         meta={"epoch": 0, "batch": 1})
    assert list(tmp_path.iterdir()) == []


def test_damaged_and_foreign_files(tmp_path):
    (tmp_path / "epoch0001-batch000000.keras").write_bytes(b"not a zip")
    with pytest.raises(CheckpointError, match=r"is damaged or unreadable \(BadZipFile"):
        read_checkpoint(tmp_path / "epoch0001-batch000000.keras")
    with pytest.raises(CheckpointError, match=r"No checkpoint to resume from in .* \(1 damaged"):
        latest_checkpoint(tmp_path)
    model = compiled()
    model.save(tmp_path / "plain.keras")
    with pytest.raises(CheckpointError, match=r"is not a kerasdl checkpoint"):
        read_checkpoint(tmp_path / "plain.keras")
    # a damaged newest file falls back to the previous good one
    write_checkpoint(tmp_path / "epoch0000-batch000003.keras", model,
                     meta={"epoch": 0, "batch": 3})
    path, meta, _, skipped = latest_checkpoint(tmp_path)
    assert path.name == "epoch0000-batch000003.keras" and len(skipped) == 1


def test_checkpoint_of_a_different_model(tmp_path):
    path = write_checkpoint(tmp_path / "epoch0001-batch000000.keras", compiled(units=2),
                            meta={"epoch": 1, "batch": 0})
    meta, arrays = read_checkpoint(path)
    with pytest.raises(CheckpointError, match=r"belongs to a different model: its model has 4 "
                                              r"weight arrays of shapes \[\[3, 2\], \[2\], "
                                              r"\[2, 1\], \[1\]\] but this model has 4 of "
                                              r"shapes \[\[3, 5\]"):
        restore_checkpoint(compiled(units=5), path, meta, arrays)


def test_bad_settings(tmp_path):
    with pytest.raises(ValueError, match=r"`checkpoint_every` must be a positive integer "
                                         r"\(>= 1\); received 0"):
        Checkpoint(tmp_path, every=0)
    with pytest.raises(ValueError, match=r"`keep` must be >= 1; received 0"):
        Checkpoint(tmp_path, keep=0)


def test_checkpoint_holds_config_weights_and_optimizer_not_a_keras_model(tmp_path):
    # format 2: no HDF5 model inside (writing one cost several times this format); a
    # format-1 checkpoint (a whole model.save archive) still restores
    model = compiled()
    path = write_checkpoint(tmp_path / "epoch0001-batch000000.keras", model,
                            meta={"epoch": 1, "batch": 0})
    with zipfile.ZipFile(path) as zf:
        assert sorted(zf.namelist()) == ["config.json", "kerasdl_checkpoint.json",
                                         "kerasdl_state.npz"]
    meta, arrays = read_checkpoint(path)
    assert meta["format"] == 2
    assert len([k for k in arrays if k.startswith("weight/")]) == len(model.weights)
    assert len([k for k in arrays if k.startswith("optimizer/")]) == \
        len(model.optimizer.variables)


def test_format_1_checkpoints_still_restore(tmp_path):
    import io
    import json

    model = compiled()
    path = tmp_path / "epoch0001-batch000000.keras"
    model.save(path)
    meta = {"epoch": 1, "batch": 0, "format": 1, "fingerprint": model_fingerprint(model)}
    weight_ids = {id(w) for w in model.weights}
    seeds = [v for v in model.variables if id(v) not in weight_ids]
    buf = io.BytesIO()
    np.savez(buf, **{f"seed/{i}": keras.ops.convert_to_numpy(v.value)
                     for i, v in enumerate(seeds)})
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr("kerasdl_checkpoint.json", json.dumps(meta))
        zf.writestr("kerasdl_state.npz", buf.getvalue())
    other = compiled()
    other.set_weights([np.zeros_like(w) for w in other.get_weights()])
    restore_checkpoint(other, path, *read_checkpoint(path))
    for a, b in zip(other.weights, model.weights):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    assert load_checkpoint_model(path).count_params() == model.count_params()
