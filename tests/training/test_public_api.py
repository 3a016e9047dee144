import kerasdl
import kerasdl.training


def test_training_public_names_are_pinned():
    for name in ["train", "evaluate", "find_lr", "RunResult", "LRFinderResult",
                 "get_optimizer", "list_optimizers", "get_schedule", "list_schedules"]:
        assert name in kerasdl.training.__all__
        assert getattr(kerasdl.training, name)
    assert kerasdl.train is kerasdl.training.train
    assert kerasdl.find_lr is kerasdl.training.find_lr
