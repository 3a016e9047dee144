"""What kerasdl's run workflow (``kerasdl.workflow``) uses from training.

Not part of the user API (names may change between releases): the phases of a run
(:func:`fit_run` over :class:`TrainSettings`) and the run folder's lock and state
(:func:`open_run_folder`, :func:`run_state`; :func:`follow_run_folder` for the processes
of a distributed run that do not write) and the run's distribution
(:func:`resolve_distribution`). ``kerasdl.train`` composes them with
``kerasdl.reports.write_run``; training itself never imports reports.
"""

from kerasdl.training._distribution import resolve_distribution
from kerasdl.training._result import RunResult, TrainingRun
from kerasdl.training._run_folder import (LOCK_NAME, RUN_FILES, RunFolder, follow_run_folder,
                                          open_run_folder, run_state)
from kerasdl.training._settings import TrainSettings
from kerasdl.training._train import fit_run

__all__ = ["LOCK_NAME", "RUN_FILES", "RunFolder", "RunResult", "TrainSettings", "TrainingRun",
           "fit_run", "follow_run_folder", "open_run_folder", "resolve_distribution",
           "run_state"]
