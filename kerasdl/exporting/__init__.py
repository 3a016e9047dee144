"""Export a trained model as SavedModel, TFLite or ONNX (``pip install kerasdl[export]``).

    import kerasdl
    out = kerasdl.export("runs/digits", format="onnx")   # runs/digits/export/model.onnx
    print(out.bytes, out.max_abs_diff)

Every artifact is checked against the Keras model right after it is written and listed in
``RUN_DIR/export/exports.json``. Importing this package does not import keras.
"""

from kerasdl.exporting._export import (DEFAULT_TOLERANCE, ExportMismatchError, ExportResult,
                                    export, inference_model)
from kerasdl.exporting._formats import BACKENDS, FORMATS

__all__ = ["export", "ExportResult", "ExportMismatchError", "inference_model", "FORMATS",
           "BACKENDS", "DEFAULT_TOLERANCE"]
