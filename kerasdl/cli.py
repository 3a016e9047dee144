"""The ``kerasdl`` command line: a thin shell over ``recipes`` and ``kerasdl.reports``.

    kerasdl --version
    kerasdl [--backend jax] info
    kerasdl list [recipes|models|datasets]

``--backend`` is applied (``KERAS_BACKEND``) before keras is imported.
"""

import argparse
import sys

from kerasdl._version import __version__

__all__ = ["main", "build_parser"]


def build_parser():
    parser = argparse.ArgumentParser(
        prog="kerasdl",
        description="kerasdl: train, evaluate, plot and save Keras 3 models in one call.",
    )
    parser.add_argument("--version", action="version", version=f"kerasdl {__version__}")
    parser.add_argument("--backend", choices=("tensorflow", "jax", "torch"), default=None,
                        help="Keras backend to use (set before keras is imported).")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    sub.add_parser("info", help="versions, backend and devices")

    p_list = sub.add_parser("list", help="list recipes (default), models or datasets")
    p_list.add_argument("what", nargs="?", default="recipes",
                        choices=("recipes", "models", "datasets"))
    return parser


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

        for name, line in data.describe_datasets().items():
            print(f"{name:<22} {line}")
        return 0
    import recipes

    for name, line in recipes.describe_recipes().items():
        print(f"{name:<26} {line}")
    return 0


_COMMANDS = {"info": _cmd_info, "list": _cmd_list}


def main(argv=None):
    """Entry point of the ``kerasdl`` console script; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
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
        print(f"kerasdl {args.command}: error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
