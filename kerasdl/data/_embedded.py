"""Real datasets that ship inside scikit-learn (work offline): digits, iris, wine,
breast_cancer, diabetes."""

import numpy as np

__all__ = ["sklearn_dataset"]


def sklearn_dataset(name):
    """Load one of scikit-learn's bundled datasets as raw arrays plus metadata."""
    import sklearn.datasets as skd  # heavy import: only on use

    if name == "digits":
        bunch = skd.load_digits()
        return {"x": bunch.images.astype(np.float32), "y": bunch.target.astype(np.int64),
                "task": "multiclass", "num_classes": 10,
                "class_names": [str(i) for i in range(10)], "scale": 16.0,
                "info": {"source": "scikit-learn load_digits (UCI optical digits, 8x8)"}}
    loader = {"iris": skd.load_iris, "wine": skd.load_wine,
              "breast_cancer": skd.load_breast_cancer, "diabetes": skd.load_diabetes}[name]
    bunch = loader()
    info = {"source": f"scikit-learn {loader.__name__}",
            "feature_names": [str(f) for f in bunch.feature_names]}
    if name == "diabetes":
        return {"x": bunch.data.astype(np.float32), "y": bunch.target.astype(np.float32),
                "task": "regression", "info": info}
    names = [str(c) for c in bunch.target_names]
    return {"x": bunch.data.astype(np.float32), "y": bunch.target.astype(np.int64),
            "task": "binary" if len(names) == 2 else "multiclass", "num_classes": len(names),
            "class_names": names, "info": info}
