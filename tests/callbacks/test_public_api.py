import kerasdl.callbacks


def test_callbacks_public_names_are_pinned():
    assert kerasdl.callbacks.__all__ == [
        "Checkpoint", "EarlyStopping", "HistoryLogger", "NonFiniteLoss", "TensorBoard",
        "ThroughputLogger", "latest_checkpoint", "list_checkpoints", "load_checkpoint_model",
        "read_checkpoint"]
    for name in kerasdl.callbacks.__all__:
        assert getattr(kerasdl.callbacks, name)
