"""Quiet by default (``kerasdl/_logging.py``): backend log noise stays out of the terminal.

The end-to-end checks run real commands in fresh processes, without the
``TF_CPP_MIN_LOG_LEVEL=3`` that ``tests/conftest.py`` sets, and read their standard error.
"""

import importlib.util
import os
import re
import subprocess
import sys
import textwrap

import pytest

from kerasdl import _logging

# The checks start their own processes with the backend they name. Run once.
pytestmark = pytest.mark.backend_independent

# absl's C++ log line (TensorFlow, XLA): severity, MMDD, time, thread, file:line]
ABSL_LINE = re.compile(r"^[IWEF]\d{4} [\d:.]+\s+\d+ [\w.]+:\d+\] ", re.MULTILINE)
BACKEND_NOISE = re.compile(r"absl::InitializeLog|cudart_stub|cpu_feature_guard|cuInit|"
                           r"oneDNN custom operations|triggered tf\.function retracing")

needs_jax = pytest.mark.skipif(importlib.util.find_spec("jax") is None,
                               reason="jax is not installed")


def _env(**extra):
    env = dict(os.environ)
    for key in ("TF_CPP_MIN_LOG_LEVEL", "KERASDL_LOG_LEVEL", "GRPC_VERBOSITY"):
        env.pop(key, None)
    env["MPLBACKEND"] = "Agg"
    env.update(extra)
    return env


def _run(args, *, cwd=None, timeout=300, **env):
    return subprocess.run(args, cwd=cwd, env=_env(**env), capture_output=True, text=True,
                          timeout=timeout)


def _kerasdl(*args, **kw):
    return _run([sys.executable, "-m", "kerasdl", *args], **kw)


def _python(code, **kw):
    return _run([sys.executable, "-c", textwrap.dedent(code)], **kw)


def _assert_quiet(proc):
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert not ABSL_LINE.search(proc.stderr), proc.stderr[-3000:]
    assert not BACKEND_NOISE.search(proc.stderr), proc.stderr[-3000:]


# --- which lines are noise ---------------------------------------------------------------------

@pytest.mark.parametrize("line", [
    b"WARNING: All log messages before absl::InitializeLog() is called are written to STDERR",
    b"I0000 00:00:1796294138.784141    8979 cudart_stub.cc:31] Could not find cuda drivers on "
    b"your machine, GPU will not be used.",
    b"I0000 00:00:1796294138.967093    8979 cpu_feature_guard.cc:227] This TensorFlow binary "
    b"is optimized to use available CPU instructions in performance-critical operations.",
    b"To enable the following instructions: AVX2 FMA, in other operations, rebuild TensorFlow "
    b"with the appropriate compiler flags.",
])
def test_known_import_lines_are_noise(line):
    assert _logging.is_noise(line)


def test_cuinit_error_is_noise_only_without_a_gpu(monkeypatch):
    line = (b"E0000 00:00:1796294148.542640    8979 cuda_platform.cc:52] failed call to "
            b"cuInit: INTERNAL: CUDA error: Failed call to cuInit: UNKNOWN ERROR (303)")
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "")
    assert _logging.is_noise(line)  # the user hid the GPUs: the error is expected
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "0")
    monkeypatch.setattr(_logging, "_gpu_present", lambda: True)
    assert not _logging.is_noise(line)  # a GPU is there and CUDA failed: the user must see it


@pytest.mark.parametrize("line", [
    b"E0000 00:00:1796294148.542640    8979 gpu_device.cc:2342] Cannot dlopen some GPU "
    b"libraries.",
    b"F0000 00:00:1796294148.542640    8979 cudart_stub.cc:31] Check failed",
    b"Traceback (most recent call last):",
    b"ValueError: `epochs` must be a positive integer (>= 1); received 0.",
    b"/tmp/x.py:3: UserWarning: something the user needs to know",
    b"I0000 00:00:1796294138.784141    8979 my_own_op.cc:31] a user's own op logs",
    b"",
])
def test_other_lines_are_kept(line):
    assert not _logging.is_noise(line)


def test_filtered_stderr_drops_noise_at_the_fd_level_and_keeps_order():
    proc = _python(r"""
        import os, sys
        from kerasdl._logging import filtered_stderr
        with filtered_stderr():
            os.write(2, b"WARNING: All log messages before absl::InitializeLog() is called "
                        b"are written to STDERR\nkept 1\n")
            os.write(2, b"I0000 00:00:1.2    8 cudart_stub.cc:31] Could not find cuda\n")
            sys.stderr.write("kept 2\n")
            os.write(2, b"kept 3 without newline")
        os.write(2, b"\nafter\n")
    """)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == "kept 1\nkept 2\nkept 3 without newline\nafter\n"


def test_log_level_from_the_environment(monkeypatch):
    monkeypatch.delenv("KERASDL_LOG_LEVEL", raising=False)
    assert _logging.log_level() == "quiet"
    monkeypatch.setenv("KERASDL_LOG_LEVEL", "INFO")
    assert _logging.log_level() == "info"
    monkeypatch.setenv("KERASDL_LOG_LEVEL", "loud")
    with pytest.raises(ValueError, match=r"`KERASDL_LOG_LEVEL` must be one of debug, info, "
                                         r"warning, error, quiet; received 'loud'"):
        _logging.log_level()


# --- real commands -------------------------------------------------------------------------------

def test_kerasdl_info_prints_no_backend_log_lines():
    proc = _kerasdl("--backend", "tensorflow", "info")
    _assert_quiet(proc)
    assert proc.stderr == ""
    assert re.search(r"^backend +tensorflow$", proc.stdout, re.MULTILINE)


@pytest.mark.parametrize("backend", ["tensorflow", pytest.param("jax", marks=needs_jax)])
def test_list_models_and_a_tiny_run_are_quiet(backend, tmp_path):
    _assert_quiet(_kerasdl("--backend", backend, "list", "models"))
    proc = _kerasdl("--backend", backend, "run", "linear_regression", "--set", "n_samples=40",
                    "--epochs", "1", "--verbose", "0", "--run-dir", str(tmp_path / "run"),
                    cwd=tmp_path)
    _assert_quiet(proc)
    assert "recipe linear_regression: test metrics" in proc.stdout


def test_log_level_info_and_verbose_bring_the_backend_lines_back():
    # TensorFlow's import always logs at INFO (CUDA stubs or the devices found, CPU features).
    proc = _python("import kerasdl, tensorflow as tf; tf.constant(1.0)",
                   KERASDL_LOG_LEVEL="info")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert ABSL_LINE.search(proc.stderr), proc.stderr[-3000:]
    proc = _kerasdl("--verbose", "--backend", "tensorflow", "info")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert ABSL_LINE.search(proc.stderr), proc.stderr[-3000:]


def test_python_warnings_and_errors_still_reach_the_user():
    proc = _python("""
        import warnings
        import kerasdl
        import tensorflow as tf

        warnings.warn("a warning the user needs")
        tf.get_logger().warning("a TensorFlow warning that is not retracing")

        @tf.function
        def f(x):
            return x + 1

        for i in range(8):  # a Python int per call: one retrace each
            f(i)
        raise SystemExit("a real error")
    """)
    assert proc.returncode == 1
    assert "UserWarning: a warning the user needs" in proc.stderr
    assert "a TensorFlow warning that is not retracing" in proc.stderr
    assert "a real error" in proc.stderr
    assert not BACKEND_NOISE.search(proc.stderr), proc.stderr[-3000:]


def test_retracing_warning_back_at_level_warning():
    proc = _python("""
        import kerasdl
        import tensorflow as tf

        @tf.function
        def f(x):
            return x + 1

        for i in range(8):
            f(i)
    """, KERASDL_LOG_LEVEL="warning")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "triggered tf.function retracing" in proc.stderr


def test_a_user_set_tf_cpp_min_log_level_is_kept():
    proc = _python("import os, kerasdl; print(os.environ['TF_CPP_MIN_LOG_LEVEL'])",
                   TF_CPP_MIN_LOG_LEVEL="1")
    assert proc.stdout.strip() == "1"
    proc = _python("import os, kerasdl; print(os.environ['TF_CPP_MIN_LOG_LEVEL']); "
                   "print(repr(os.environ.get('CUDA_VISIBLE_DEVICES', 'unset')))")
    level, devices = proc.stdout.splitlines()
    assert level == "3"
    assert devices == repr(os.environ.get("CUDA_VISIBLE_DEVICES", "unset"))  # never touched
