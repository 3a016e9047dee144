"""The top-level public surface is pinned: a rename is a conscious act (see DESIGN.md)."""

import kerasdl
import kerasdl.errors


def test_top_level_names():
    assert sorted(kerasdl.__all__) == [
        "__version__", "augment", "callbacks", "data", "errors", "evaluate", "export",
        "exporting", "find_lr", "layers", "load_model", "models", "reports", "saving",
        "set_random_seed", "train", "tune", "tuning",
    ]


def test_every_top_level_name_resolves_to_the_documented_object():
    from kerasdl.saving import load_model
    from kerasdl.training import evaluate, find_lr, train

    assert kerasdl.train is train and kerasdl.evaluate is evaluate
    assert kerasdl.find_lr is find_lr and kerasdl.load_model is load_model
    from kerasdl.training import set_random_seed

    assert kerasdl.set_random_seed is set_random_seed
    from kerasdl.exporting import export
    from kerasdl.tuning import tune

    assert kerasdl.tune is tune and kerasdl.export is export
    for name in ("augment", "callbacks", "data", "errors", "layers", "models", "reports",
                 "saving", "tuning", "exporting"):
        assert getattr(kerasdl, name).__name__ == f"kerasdl.{name}"


def test_error_classes_subclass_the_builtin_errors_callers_catch():
    e = kerasdl.errors
    assert sorted(e.__all__) == ["CheckpointError", "ChecksumError", "DamagedFileError",
                                 "DatasetNotAvailableError", "KerasdlError",
                                 "NonFiniteLossError", "RunFolderInUseError", "SecurityError"]
    assert issubclass(e.ChecksumError, ValueError) and issubclass(e.DamagedFileError, ValueError)
    assert issubclass(e.SecurityError, ValueError) and issubclass(e.CheckpointError, ValueError)
    assert issubclass(e.DatasetNotAvailableError, FileNotFoundError)
    assert issubclass(e.NonFiniteLossError, FloatingPointError)
    assert issubclass(e.RunFolderInUseError, RuntimeError)
    assert all(issubclass(getattr(e, n), e.KerasdlError) for n in e.__all__)


def test_tuning_and_exporting_public_names():
    import kerasdl.exporting
    import kerasdl.tuning

    assert sorted(kerasdl.tuning.__all__) == ["Range", "TuneResult", "parse_range",
                                              "parse_space", "tune"]
    assert sorted(kerasdl.exporting.__all__) == ["BACKENDS", "DEFAULT_TOLERANCE",
                                                 "ExportMismatchError", "ExportResult",
                                                 "FORMATS", "export", "inference_model"]
