"""Argument checks, public: the seam ``kerasdl.recipes`` and user code validate settings with.

The rules themselves live in ``kerasdl/_validation.py`` (one statement per bound); this
module only names the ones other packages and users may rely on, so no caller outside the
library imports a private module. Wrong types raise ``TypeError``, wrong values
``ValueError``; the messages name the argument, the value received and what is allowed::

    >>> from kerasdl import validation
    >>> validation.check_positive_int("epochs", 3)
    3
"""

from kerasdl._validation import (check_bool, check_choice, check_int, check_number,
                                 check_positive_int, check_type, describe, normalize_name,
                                 unknown_name_error)

__all__ = ["check_bool", "check_choice", "check_int", "check_number", "check_positive_int",
           "check_type", "describe", "normalize_name", "unknown_name_error"]
