"""The public names of kerasdl.data are pinned: a rename is a conscious act."""

import kerasdl.data as kd


def test_public_names():
    assert kd.__all__ == [
        "ArraySequence", "Dataset", "MemmapSource", "Split", "cache_dir", "chunks",
        "dataset_sources", "describe_datasets", "from_arrays", "from_directory", "from_npz", "list_datasets",
        "load", "split", "to_categorical", "to_tf_dataset",
    ]
    for name in kd.__all__:
        assert getattr(kd, name) is not None


def test_import_is_cheap(run_python):
    proc = run_python("""
        import sys
        import kerasdl.data as kd
        kd.load("xor"); kd.load("regression")
        print(sorted(m for m in ("keras", "tensorflow", "jax", "sklearn") if m in sys.modules))
    """)
    assert proc.stdout.strip() == "[]"


def test_array_sequence_is_a_pydataset():
    import keras

    assert issubclass(kd.ArraySequence, keras.utils.PyDataset)
