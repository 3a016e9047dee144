import json

import pytest

from kerasdl.callbacks import HistoryLogger, TensorBoard, ThroughputLogger


def test_history_logger_csv_and_json(tmp_path):
    csv_logger = HistoryLogger(tmp_path / "h.csv", initial_history={"loss": [0.9]})
    csv_logger.on_epoch_end(1, {"loss": 0.5, "val_loss": 0.75})
    assert (tmp_path / "h.csv").read_text() == "epoch,loss,val_loss\n1,0.9,\n2,0.5,0.75\n"
    json_logger = HistoryLogger(tmp_path / "h.json")
    json_logger.on_epoch_end(0, {"loss": 0.5})
    json_logger.on_epoch_end(1, {"loss": 0.25})
    assert json.loads((tmp_path / "h.json").read_text()) == {"loss": [0.5, 0.25]}
    with pytest.raises(ValueError, match=r"`path` must end in \.csv or \.json; received"):
        HistoryLogger(tmp_path / "h.txt")


def test_throughput_logger_counts_samples(monkeypatch):
    clock = iter([10.0, 12.0, 12.5])  # epoch begin, last batch end, epoch end
    monkeypatch.setattr("kerasdl.callbacks._loggers.time.perf_counter", lambda: next(clock))
    logger = ThroughputLogger(batch_size=50)
    logger.on_epoch_begin(0)
    logger.on_train_batch_end(3)  # 4 batches of 50
    logger.on_epoch_end(0)
    assert logger.epoch_s == [2.5] and logger.train_s == [2.0]
    assert logger.samples_per_s == [100.0]
    with pytest.raises(ValueError, match="needs `samples_per_epoch` or `batch_size`"):
        ThroughputLogger()


def test_tensorboard_when_installed(tmp_path):
    pytest.importorskip("tensorboard")
    callback = TensorBoard(tmp_path)
    assert type(callback).__name__ == "TensorBoard"


def test_tensorboard_missing_says_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setattr("kerasdl.callbacks._loggers.is_installed", lambda name: False)
    with pytest.raises(ImportError, match="pip install tensorboard"):
        TensorBoard(tmp_path)
