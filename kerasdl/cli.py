"""The ``kerasdl`` command line: a thin shell over ``recipes`` and ``kerasdl.reports``.

    kerasdl --version
    kerasdl [--backend jax] [--verbose | --log-level LEVEL] info
    kerasdl list [recipes|models|datasets]
    kerasdl run NAME --help                  (the recipe's settings, defaults and meaning)
    kerasdl run NAME [--epochs N] [--batch-size N] [--learning-rate X] [--optimizer NAME]
                     [--seed S] [--data-dir D] [--run-dir R] [--backend B]
                     [--resume | --overwrite]
                     [--set key=value ...] [--config file.yaml|file.json]
    kerasdl report RUN_DIR
    kerasdl tune NAME --space KEY=V1,V2 [--space KEY=LO..HI[:log] ...] [--max-trials N]
                      [--tuner random|bayesian|hyperband] [--objective M] [--epochs E]
                      [--run-dir D] [--seed S] [--set key=value ...] [--overwrite]
    kerasdl export RUN_DIR --format saved_model|tflite|onnx [--path P]

``--backend`` is applied (``KERAS_BACKEND``) before keras is imported. Settings are merged
in this order, later ones winning: the recipe's defaults, ``--config``, ``--set``, then the
dedicated flags (``--epochs`` ...). Hyphens and underscores are equivalent in recipe and
setting names. ``--set`` values are typed: ``64`` (int), ``1e-3`` (float), ``true``/``false``,
``none``, ``64,32`` or ``[64, 32]`` (a tuple), ``{rotation: 10}`` (a mapping), anything else
a string.

A run folder that already holds a run is never silently overwritten: an interrupted run is
resumed, a finished one is kept and the new run goes to the next free numbered sibling
(``runs/digits_cnn-2``, ``-3``, ...); ``--resume`` insists on resuming and ``--overwrite``
replaces the run. Without ``--run-dir`` the folder is ``runs/NAME`` under the current folder.
Backend log lines are hidden unless ``--verbose`` (or ``KERASDL_LOG_LEVEL``) asks for them.
"""

import argparse
import json
import re
import sys
import textwrap
from pathlib import Path

from kerasdl import _logging
from kerasdl._version import __version__

__all__ = ["main", "build_parser", "parse_value", "parse_assignments", "load_config"]

_FLOAT_RE = re.compile(r"^[+-]?(\d[\d_]*\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?(inf|nan)$",
                       re.IGNORECASE)


def build_parser():
    parser = argparse.ArgumentParser(
        prog="kerasdl",
        description="kerasdl: train, evaluate, plot and save Keras 3 models in one call.",
    )
    parser.add_argument("--version", action="version", version=f"kerasdl {__version__}")
    parser.add_argument("--backend", choices=("tensorflow", "jax", "torch"), default=None,
                        help="Keras backend to use (set before keras is imported).")
    parser.add_argument("-v", "--verbose", dest="log_verbose", action="store_true",
                        help="show the backends' own log lines (TensorFlow's C++ start-up "
                             "messages, retracing warnings); same as --log-level info")
    parser.add_argument("--log-level", "--log_level", dest="log_level", default=None,
                        type=str.lower, choices=_logging.LEVELS,
                        help="backend log level (default: quiet, or $KERASDL_LOG_LEVEL)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    sub.add_parser("info", help="versions, backend and devices")

    p_list = sub.add_parser("list", help="list recipes (default), models or datasets")
    p_list.add_argument("what", nargs="?", default="recipes",
                        choices=("recipes", "models", "datasets"))

    p_run = sub.add_parser(
        "run", help="run a recipe and print its test metrics", add_help=False,
        description="Run a recipe (see `kerasdl list`), print its test metrics and the run "
                    "folder. Settings: the recipe's defaults, then --config, then --set, then "
                    "the flags below. `kerasdl run NAME --help` lists the recipe's settings.")
    p_run.add_argument("-h", "--help", dest="show_help", action="store_true",
                       help="show this help and, after a NAME, the recipe's settings")
    p_run.add_argument("name", nargs="?", default=None,
                       help="recipe name (may come from --config's `recipe` key instead)")
    p_run.add_argument("--epochs", type=int, default=None, metavar="N",
                       help="passes over the training data")
    p_run.add_argument("--batch-size", "--batch_size", dest="batch_size", type=int,
                       default=None, metavar="N", help="samples per gradient step")
    p_run.add_argument("--learning-rate", "--learning_rate", "--lr", dest="learning_rate",
                       type=float, default=None, metavar="X",
                       help="the optimizer's step size (a schedule's peak)")
    p_run.add_argument("--optimizer", default=None, metavar="NAME",
                       help="gd, sgd, online_sgd, minibatch_sgd, momentum, nesterov, rmsprop, "
                            "adam, adamw")
    p_run.add_argument("--seed", type=int, default=None, metavar="S",
                       help="random seed: data split, initial weights, shuffling")
    p_run.add_argument("--data-dir", "--data_dir", dest="data_dir", default=None, metavar="D",
                       help="folder holding local dataset files")
    p_run.add_argument("--run-dir", "--run_dir", dest="run_dir", default=None, metavar="R",
                       help="run folder (default: runs/NAME). One that holds a finished "
                            "run is kept: the run goes to R-2, R-3, ...; an interrupted run "
                            "is resumed")
    again = p_run.add_mutually_exclusive_group()
    again.add_argument("--resume", action="store_true",
                       help="continue the interrupted run in the run folder (an error if "
                            "there is none)")
    again.add_argument("--overwrite", action="store_true",
                       help="replace the run in the run folder instead of keeping it")
    p_run.add_argument("--verbose", type=int, default=None, metavar="V",
                       help="training progress: 0 silent, 1 progress bar, 2 one line per "
                            "epoch (default 2)")
    p_run.add_argument("--distribution", default=None, choices=("auto", "data_parallel"),
                       help="data_parallel: split each batch over every GPU/TPU (and every "
                            "process started with KERAS_DISTRIBUTION_* or TF_CONFIG); auto: "
                            "data parallel when several GPUs/TPUs are seen")
    # SUPPRESS keeps a top-level `kerasdl --backend jax run ...` from being reset to None.
    p_run.add_argument("--backend", choices=("tensorflow", "jax", "torch"),
                       default=argparse.SUPPRESS, help="Keras backend to use")
    p_run.add_argument("--set", dest="assignments", action="append", default=[],
                       metavar="KEY=VALUE", help="any recipe setting, e.g. hidden=64,32")
    p_run.add_argument("--config", default=None, metavar="FILE",
                       help="YAML or JSON file of settings (may name the recipe)")

    p_run.set_defaults(run_parser=p_run)

    p_report = sub.add_parser("report", help="rebuild report.html of a run folder")
    p_report.add_argument("run_dir", metavar="RUN_DIR")
    _add_tune_parser(sub)
    _add_export_parser(sub)
    return parser


# --- typed values --------------------------------------------------------------------------

def _scalar(text):
    """None / bool / int / float for text that spells one, else the text itself."""
    low = text.lower()
    if low in ("none", "null", "~"):
        return None
    if low in ("true", "yes"):
        return True
    if low in ("false", "no"):
        return False
    try:
        return int(text)
    except ValueError:
        pass
    if _FLOAT_RE.match(text):
        return float(text)
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text


def _split_top_level(text, what):
    """Split on commas that are not inside brackets or quotes."""
    parts, depth, quote, current = [], 0, None, []
    for ch in text:
        if quote:
            current.append(ch)
            if ch == quote:
                quote = None
            continue
        if ch in "'\"":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
            if depth < 0:
                raise ValueError(f"{what}: unbalanced {ch!r} in {text!r}.")
        elif ch == "," and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        current.append(ch)
    if depth != 0 or quote:
        raise ValueError(f"{what}: unbalanced brackets or quotes in {text!r}.")
    parts.append("".join(current))
    return parts


def parse_value(text, *, what="value"):
    """Turn command-line text into a typed value.

    ``"64"`` -> 64, ``"1e-3"`` -> 0.001, ``"true"`` -> True, ``"none"`` -> None,
    ``"64,32"``, ``"(64, 32)"`` or ``"[64, 32]"`` -> (64, 32), ``"64,"`` -> (64,),
    ``"{rotation: 10, flip: horizontal}"`` -> a dict (YAML flow mapping), ``"'3'"`` -> "3";
    anything else stays a string.

    Args:
        text: the text after ``key=``.
        what: how to name the value in error messages. Defaults to "value".

    Returns:
        The typed value.

    Raises:
        ValueError: for unbalanced brackets or quotes, or a malformed mapping.
    """
    return _parse(text, what, 0)


_MAX_DEPTH = 32  # nesting of brackets a setting value may have


def _parse(text, what, depth):
    if depth > _MAX_DEPTH:
        raise ValueError(f"{what}: brackets nested more than {_MAX_DEPTH} levels deep; "
                         f"received {text[:40]!r}...")
    s = text.strip()
    if not s:
        raise ValueError(f"{what} is empty; write `none` for None or quote an empty string "
                         f"('').")
    items = _split_top_level(s, what)
    if len(items) > 1:
        if items[-1].strip() == "":
            items = items[:-1]
        return tuple(_parse(item, what, depth + 1) for item in items)
    if s[0] == "{" or s[-1] == "}":
        if s[0] != "{" or s[-1] != "}":
            raise ValueError(f"{what}: unbalanced braces in {s!r}.")
        nesting, deepest = 0, 0
        for ch in s:
            nesting += (ch in "([{") - (ch in ")]}")
            deepest = max(deepest, nesting)
        if depth + deepest > _MAX_DEPTH:
            raise ValueError(f"{what}: brackets nested more than {_MAX_DEPTH} levels deep; "
                             f"received {s[:40]!r}...")
        import yaml

        try:
            mapping = yaml.safe_load(s)
        except yaml.YAMLError as e:
            first = str(e).splitlines()[0]
            raise ValueError(f"{what}: {s!r} is not a valid mapping ({first}); write it as "
                             f"{{key: value, key: value}}.") from None
        return _coerce_strings(mapping)
    if s[0] in "([" or s[-1] in ")]":
        if s[0] not in "([" or s[-1] not in ")]" or "([".index(s[0]) != ")]".index(s[-1]):
            raise ValueError(f"{what}: unbalanced brackets in {s!r}.")
        inner = s[1:-1].strip()
        if not inner:
            return ()
        items = _split_top_level(inner, what)
        if items[-1].strip() == "":
            items = items[:-1]
        return tuple(_parse(item, what, depth + 1) for item in items)
    return _scalar(s)


def _coerce_strings(obj):
    """Apply :func:`_scalar` to the strings inside a YAML value (PyYAML reads 1e-3 as text)."""
    if isinstance(obj, str):
        return _scalar(obj)
    if isinstance(obj, dict):
        return {k: _coerce_strings(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return tuple(_coerce_strings(v) for v in obj)
    return obj


def parse_assignments(assignments):
    """Parse ``["key=value", ...]`` into a dict of typed values (keys normalized).

    Raises:
        ValueError: for an item without ``=``, an empty key, a key given twice or a value
            :func:`parse_value` rejects.
    """
    out = {}
    for item in assignments:
        key, text = _split_assignment(item, "--set", out, form="KEY=VALUE",
                                      example="--set hidden=64,32")
        out[key] = parse_value(text, what=f"`--set {key}`")
    return out


def _split_assignment(item, flag, seen, *, form, example, need_value=False):
    """``"key=text"`` -> ``(normalized key, text)`` for option ``flag``.

    Raises:
        ValueError: naming ``flag``, its ``form`` and the item received, for an item without
            ``=``, an empty key (or empty text when ``need_value``), or a key in ``seen``.
    """
    from kerasdl._validation import normalize_name

    if "=" not in item:
        raise ValueError(f"`{flag}` expects {form}; received {item!r}. Example: {example}")
    key, _, text = item.partition("=")
    key = normalize_name(key)
    if not key:
        raise ValueError(f"`{flag}` expects {form}; received {item!r} (empty key).")
    if need_value and not text.strip():
        raise ValueError(f"`{flag}` expects {form}; received {item!r} (empty value).")
    if key in seen:
        raise ValueError(f"`{flag} {key}` is given twice.")
    return key, text


def load_config(path):
    """Read a YAML (``.yaml``/``.yml``) or JSON (``.json``) file of settings.

    Top level: a mapping of setting names to values; an optional ``recipe`` key names the
    recipe. Numbers PyYAML leaves as text (``1e-3``) are converted.

    Returns:
        A dict with normalized keys.

    Raises:
        FileNotFoundError: if the file does not exist.
        ValueError: for another extension, a parse error or a top level that is not a mapping.
    """
    from kerasdl._validation import normalize_name

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"`--config` file {str(path)!r} does not exist.")
    suffix = path.suffix.lower()
    text = path.read_text(encoding="utf-8")
    if suffix == ".json":
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as e:
            raise ValueError(f"`--config` {str(path)!r} is not valid JSON: {e}.") from None
    elif suffix in (".yaml", ".yml"):
        import yaml

        try:
            obj = yaml.safe_load(text)
        except yaml.YAMLError as e:
            raise ValueError(f"`--config` {str(path)!r} is not valid YAML: "
                             f"{str(e).splitlines()[0]}.") from None
        if isinstance(obj, dict):
            obj = _coerce_strings(obj)
    else:
        raise ValueError(f"`--config` must be a .yaml, .yml or .json file; received "
                         f"{str(path)!r}.")
    if obj is None:
        obj = {}
    if not isinstance(obj, dict):
        raise ValueError(f"`--config` {str(path)!r} must hold a mapping of settings at the top "
                         f"level; found {type(obj).__name__}.")
    out = {}
    for key, value in obj.items():
        out[normalize_name(key)] = tuple(value) if isinstance(value, list) else value
    return out


# --- commands ------------------------------------------------------------------------------

def _cmd_info(args):
    from kerasdl import _backend

    for pkg, ver in _backend.versions().items():
        print(f"{pkg:<13} {ver or 'not installed'}")
    print(f"{'backend':<13} {_backend.backend_name()}")
    print(f"{'devices':<13} {', '.join(_backend.devices())}")
    return 0


def _cmd_list(args):
    if args.what == "models":
        from kerasdl import models

        for name in models.list_models():
            print(name)
        return 0
    if args.what == "datasets":
        from kerasdl import data

        sources = data.dataset_sources()
        print(f"{'name':<16} {'sources':<24} description")
        for name, line in data.describe_datasets().items():
            print(f"{name:<16} {', '.join(sources[name]):<24} {line}")
        print("\nsources: local = files you place in --data-dir; download = pinned downloads; "
              "tfds = tensorflow-datasets, in Python: kerasdl.data.load(name, source='tfds') "
              "(pip install kerasdl[tfds])")
        return 0
    from kerasdl import recipes

    for name, line in recipes.describe_recipes().items():
        print(f"{name:<26} {line}")
    return 0


def _format_metrics(metrics, indent=""):
    """Lines of ``key  value``; the values of one level line up whatever the key lengths."""
    lines = []
    width = max((len(str(k)) for k, v in metrics.items() if not isinstance(v, dict)),
                default=0)
    for key, value in metrics.items():
        if isinstance(value, dict):
            lines.append(f"{indent}{key}:")
            lines.extend(_format_metrics(value, indent + "  "))
        elif isinstance(value, float):
            lines.append(f"{indent}{key:<{width}}  {value:.4f}")
        else:
            lines.append(f"{indent}{key:<{width}}  {value}")
    return lines


# --- per-recipe help ---------------------------------------------------------------------------

# The settings that have a dedicated flag of `kerasdl run` (their meaning is the flag's help).
_FLAGS = {"epochs": "--epochs", "batch_size": "--batch-size", "learning_rate": "--lr",
          "optimizer": "--optimizer", "seed": "--seed", "data_dir": "--data-dir",
          "run_dir": "--run-dir", "verbose": "--verbose", "resume": "--resume",
          "overwrite": "--overwrite"}
def _spell(value):
    """A default as it would be typed after ``--set key=``."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return ",".join(_spell(v) for v in value) + ("," if len(value) == 1 else "")
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_spell(v)}" for k, v in value.items()) + "}"
    return str(value)


def _recipe_settings_help(module):
    """``{setting: meaning}`` for a recipe: its docstring's ``Settings:`` section, read by
    :func:`kerasdl.recipes.describe_settings` (the default is shown beside the name, so the
    section's "Defaults to X." is not repeated)."""
    from kerasdl import recipes

    name = module.__name__.split(".")[-1]
    return {key: entry["help"] for key, entry in recipes.describe_settings(name).items()}


def _recipe_help(module, parser):
    """The text `kerasdl run NAME --help` prints below the generic help."""
    name = module.__name__.split(".")[-1]
    flag_help = {a.dest: a.help for a in parser._actions if a.help}  # noqa: SLF001
    meanings = _recipe_settings_help(module)
    summary = (module.__doc__ or "").strip().splitlines()[0] if module.__doc__ else ""
    lines = [f"recipe {name}: {summary or module.DESCRIPTION}", "",
             f"settings of {name} (default shown; change one with --set KEY=VALUE, or the "
             "flag in brackets):"]
    rows = []
    for key, default in module.DEFAULTS.items():
        if key == "verbose":
            default = 2  # the CLI's default (see _cmd_run)
        left = f"  {key}={_spell(default)}"
        meaning = meanings.get(key) or flag_help.get(key, "")
        if key in _FLAGS:
            meaning = f"[{_FLAGS[key]}] {meaning}".strip()
        rows.append((left, meaning))
    width = min(max(len(left) for left, _ in rows) + 2, 40)
    for left, meaning in rows:
        wrapped = textwrap.wrap(meaning, 100 - width) or [""]
        if len(left) >= width:
            lines.append(left)
            lines.extend(" " * width + w for w in wrapped if w)
            continue
        lines.append(f"{left:<{width}}{wrapped[0]}".rstrip())
        lines.extend(" " * width + w for w in wrapped[1:])
    return "\n".join(lines)


# --- run folders -------------------------------------------------------------------------------

def _run_state_fallback(run_dir):
    """``kerasdl.reports.run_state``'s rule, for reports versions that lack it."""
    run_dir = Path(run_dir)
    if (run_dir / "metrics.json").is_file():
        return "finished"
    if run_dir.is_dir():
        folders = [run_dir] + [p for p in run_dir.iterdir() if p.is_dir()]
        if any((p / "checkpoints").is_dir() for p in folders):
            return "interrupted"
    return "empty"


def _run_state(run_dir):
    from kerasdl import reports

    return getattr(reports, "run_state", _run_state_fallback)(run_dir)


def _numbered(base, n):
    return base if n == 1 else base.with_name(f"{base.name}-{n}")


def _plan_run_dir(base, *, resume, overwrite):
    """Where a run goes and how: ``(run_dir, settings for the recipe, message or None)``.

    Neither flag: the first of ``base``, ``base-2``, ``base-3`` ... that holds no finished
    run; an interrupted run there is resumed, an empty folder gets a new run.
    """
    state = _run_state(base)
    if overwrite:
        message = (None if state == "empty"
                   else f"replacing the {state} run in {base} (--overwrite)")
        return base, {"overwrite": True}, message
    if resume:
        if state != "interrupted":
            what = ("holds a finished run (it has metrics.json): there is nothing to resume; "
                    "use --overwrite to replace it, or leave out --resume to write a new run "
                    "beside it" if state == "finished" else
                    "holds no interrupted run (no checkpoints/ folder): leave out --resume "
                    "to start a new run there")
            raise ValueError(f"`--resume`: run folder {str(base)!r} {what}.")
        return base, {"resume": "auto"}, f"resuming the interrupted run in {base} (--resume)"
    n = 1
    while _run_state(_numbered(base, n)) == "finished":
        n += 1
    run_dir = _numbered(base, n)
    kept = f"{base} holds a finished run (kept); " if n > 1 else ""
    if _run_state(run_dir) == "interrupted":
        return run_dir, {"resume": "auto"}, (
            f"{kept}resuming the interrupted run in {run_dir} (--overwrite starts it over)")
    if n > 1:
        return run_dir, {}, (f"{kept}this run goes to {run_dir} (--overwrite replaces {base}, "
                             f"--run-dir picks another folder)")
    return run_dir, {}, None


def _for_cli(message):
    """An error message with the Python argument names replaced by the CLI's flags."""
    return message.replace("pass data_dir= to the folder",
                           "pass --data-dir (data_dir= in Python) with the folder")


def _cmd_run(args):
    from kerasdl import recipes

    settings = load_config(args.config) if args.config else {}
    name = settings.pop("recipe", None)
    if args.name is not None:
        name = args.name
    if args.show_help:
        args.run_parser.print_help()
        if name is not None:
            print()
            print(_recipe_help(recipes.get_recipe(name), args.run_parser))
        else:
            print(f"\nrecipes: {', '.join(recipes.list_recipes())}")
        return 0
    if name is None:
        raise ValueError("`kerasdl run` needs a recipe NAME (or a `recipe:` key in --config); "
                         f"recipes: {', '.join(recipes.list_recipes())}.")
    module = recipes.get_recipe(name)  # unknown name -> close matches, before any work
    recipe = module.__name__.split(".")[-1]
    settings.update(parse_assignments(args.assignments))
    for flag in ("epochs", "batch_size", "learning_rate", "optimizer", "seed", "data_dir",
                 "run_dir", "verbose", "distribution"):
        value = getattr(args, flag)
        if value is not None:
            settings[flag] = value
    if "verbose" not in settings and "verbose" in module.DEFAULTS:
        settings["verbose"] = 2  # one line per epoch: readable in a terminal and in logs
    default_dir = settings.get("run_dir") is None
    base = Path("runs") / recipe if default_dir else Path(settings["run_dir"])
    run_dir, again, message = _plan_run_dir(base, resume=args.resume or settings.pop(
        "resume", False), overwrite=args.overwrite or settings.pop("overwrite", False))
    settings["run_dir"] = str(run_dir)
    settings.update(again)
    if message is None:
        message = f"run folder {run_dir}" + (
            " (the default, runs/NAME; --run-dir picks another)" if default_dir else "")
    if settings.get("distribution") is not None:
        from kerasdl._backend import start_processes

        start_processes()  # before the recipe builds its model (JAX joins processes first)
    print(f"kerasdl run {recipe}: {message}")
    sys.stdout.flush()
    result = module.run(**settings)
    print(f"recipe {recipe}: test metrics")
    for line in _format_metrics(result.metrics, "  "):
        print(line)
    if result.run_dir is not None:
        run_dir = Path(result.run_dir)
        print(f"run folder: {run_dir}")
        report = run_dir / "report.html"
        if report.exists():
            print(f"report:     {report}")
    return 0


def _cmd_report(args):
    run_dir = Path(args.run_dir)
    if not run_dir.is_dir():
        raise FileNotFoundError(f"`RUN_DIR` {str(run_dir)!r} is not a folder; give the folder "
                                f"a run wrote (it holds config.json and metrics.json).")
    from kerasdl import reports

    path = reports.build_report(run_dir)
    print(f"report: {path}")
    return 0


_COMMANDS = {"info": _cmd_info, "list": _cmd_list, "run": _cmd_run, "report": _cmd_report}


def main(argv=None):
    """Entry point of the ``kerasdl`` console script; returns the exit status.

    Exit status: 0 on success, 2 for a usage error (unknown recipe or setting, a bad value,
    a missing file), with the message on standard error.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        _logging.configure("info" if args.log_verbose and not args.log_level
                           else args.log_level)
    except ValueError as e:  # a bad KERASDL_LOG_LEVEL in the environment
        parser.error(str(e))
    if args.backend:
        from kerasdl._backend import set_backend

        try:
            set_backend(args.backend)
        except ValueError as e:
            parser.error(str(e))
    if args.command is None:
        parser.print_help()
        return 0
    try:
        return _COMMANDS[args.command](args)
    except (ValueError, TypeError, FileNotFoundError) as e:
        print(f"kerasdl {args.command}: error: {_for_cli(str(e))}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())


# --- tune and export ---------------------------------------------------------------------

def _add_tune_parser(sub):
    p = sub.add_parser(
        "tune", help="search a recipe's settings (keras-tuner)",
        description="Search a recipe's settings with keras-tuner; every trial is a run "
                    "folder under --run-dir, which also gets tune_report.html, trials.csv "
                    "and best.json. Running the same command again continues an "
                    "interrupted search.")
    p.add_argument("name", help="recipe name (see `kerasdl list`)")
    p.add_argument("--space", dest="space", action="append", default=[], metavar="KEY=VALUES",
                   help="a setting to search: choices hidden=64,128 (brackets for tuples: "
                        "hidden=[64,32],[128]) or a range learning_rate=1e-4..1e-1:log; "
                        "repeatable")
    p.add_argument("--max-trials", "--max_trials", dest="max_trials", type=int, default=10,
                   metavar="N")
    p.add_argument("--tuner", default="random", metavar="NAME",
                   help="random (default), bayesian or hyperband")
    p.add_argument("--objective", default="val_accuracy", metavar="METRIC",
                   help="per-epoch metric to optimize (default val_accuracy)")
    p.add_argument("--direction", default=None, choices=("min", "max"))
    p.add_argument("--epochs", type=int, default=None, metavar="E")
    p.add_argument("--run-dir", "--run_dir", dest="run_dir", default="runs/tune", metavar="D")
    p.add_argument("--seed", type=int, default=0, metavar="S")
    p.add_argument("--set", dest="assignments", action="append", default=[],
                   metavar="KEY=VALUE", help="a fixed setting of every trial")
    p.add_argument("--overwrite", action="store_true", help="replace a previous search")
    p.add_argument("--backend", choices=("tensorflow", "jax", "torch"),
                   default=argparse.SUPPRESS, help="Keras backend to use")


def _add_export_parser(sub):
    p = sub.add_parser("export", help="export a run's model (SavedModel, TFLite, ONNX)",
                       description="Write RUN_DIR/model.keras as a SavedModel, TFLite or "
                                   "ONNX file under RUN_DIR/export/, checked against the "
                                   "Keras model's predictions.")
    p.add_argument("run_dir", metavar="RUN_DIR")
    p.add_argument("--format", default="saved_model", metavar="F",
                   help="saved_model (default), tflite or onnx")
    p.add_argument("--path", default=None, metavar="P", help="destination (default: "
                   "RUN_DIR/export/...)")
    p.add_argument("--backend", choices=("tensorflow", "jax", "torch"),
                   default=argparse.SUPPRESS, help="Keras backend to use")


def parse_space_options(items):
    """``["lr=1e-4..1e-1:log", "hidden=64,128"]`` -> a ``kerasdl.tune`` space dict.

    A value holding ``..`` is a range (kept as text for :func:`kerasdl.tuning.parse_range`);
    anything else is a comma-separated list of choices, each typed like ``--set`` values
    (``[64,32]`` is one tuple choice).
    """
    space = {}
    for item in items:
        key, text = _split_assignment(item, "--space", space,
                                      form="KEY=V1,V2 or KEY=LO..HI[:log]",
                                      example="--space learning_rate=1e-4..1e-1:log",
                                      need_value=True)
        if ".." in text:
            space[key] = text.strip()
            continue
        parts = [p for p in _split_top_level(text, f"`--space {key}`") if p.strip()]
        space[key] = [parse_value(p, what=f"`--space {key}`") for p in parts]
    return space


def _cmd_tune(args):
    import kerasdl

    space = parse_space_options(args.space)
    if not space:
        raise ValueError("`kerasdl tune` needs at least one --space KEY=VALUES, e.g. "
                         "--space learning_rate=1e-4..1e-1:log")
    fixed = parse_assignments(args.assignments)
    result = kerasdl.tune(args.name, space=space, max_trials=args.max_trials,
                          tuner=args.tuner, objective=args.objective,
                          direction=args.direction, epochs=args.epochs,
                          run_dir=args.run_dir, seed=args.seed, overwrite=args.overwrite,
                          **fixed)
    print(f"search: {len(result.trials)} trials in {result.run_dir}")
    print(f"best {result.objective}: {result.best_value}  ({result.best_run_dir})")
    for key, value in result.best_settings.items():
        print(f"  {key:<18} {value}")
    if result.command:
        print(f"rerun: {result.command}")
    print(f"report: {Path(result.run_dir) / 'tune_report.html'}")
    return 0


def _cmd_export(args):
    import kerasdl

    out = kerasdl.export(args.run_dir, format=args.format, path=args.path)
    print(f"{out.format}: {out.path} ({out.bytes} bytes)")
    print(f"checked on {out.samples} {out.source} samples: max |difference| "
          f"{out.max_abs_diff:.3g} (tolerance {out.tolerance:g})")
    return 0


_COMMANDS.update(tune=_cmd_tune, export=_cmd_export)
