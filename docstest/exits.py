"""How a run ends cleanly, and what killed runs left behind is removed.

Ctrl+C, a CI cancel, `timeout` or `kill` end a run like Ctrl+C does, so atexit handlers run:
the runner closes the pages still open (their shells, servers and folders), and a dialect
stops what it started (the Docker dialect: private engines). A page folder is named after
its test process (`docstest-PID-...`), so one whose process is gone is a leftover.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import tempfile
import threading
from pathlib import Path

__all__ = ["GRACE", "install_exit_handlers", "sweep_page_folders"]

_ending = False
GRACE = 60.0  # seconds an ending run has to tidy up before it exits regardless


def _ending_signal(signum: int, frame: object) -> None:
    """The first Ctrl+C or SIGTERM ends the run like Ctrl+C does (pytest reports it as
    interrupted; atexit stops engines and removes folders). Later ones are ignored, so they
    cannot break that tidying up half-way; a watchdog exits if it ever hangs."""
    global _ending
    if _ending:
        return
    _ending = True
    watchdog = threading.Timer(GRACE, os._exit, args=(128 + signum,))
    watchdog.daemon = True
    watchdog.start()
    raise KeyboardInterrupt(f"signal {signum}")


def install_exit_handlers(*, worker: bool = False) -> None:
    """Ctrl+C, a CI cancel, `timeout` or `kill` end a run cleanly; a test worker also ends
    when its controller dies (PR_SET_PDEATHSIG), however that dies."""
    for sig in (signal.SIGINT, signal.SIGTERM):
        if signal.getsignal(sig) in (signal.SIG_DFL, signal.default_int_handler):
            signal.signal(sig, _ending_signal)
    if worker:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG
        if os.getppid() == 1:  # the controller is already gone
            os.kill(os.getpid(), signal.SIGTERM)


def sweep_page_folders() -> None:
    """Remove the page folders of test processes that are gone (killed before they tidied up)."""
    for folder in Path(tempfile.gettempdir()).glob("docstest-*-*"):
        owner = folder.name.split("-")[1]
        if owner.isdigit() and not Path(f"/proc/{owner}").exists():
            shutil.rmtree(folder, ignore_errors=True)
