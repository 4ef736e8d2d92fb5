"""The blendbatch binary as the add-on sees it: find it, build its command lines, run it, read what it
prints. No Blender import here and no render logic: every decision is the binary's."""

import json
import os
import queue
import shutil
import subprocess
import threading

# What each exit code means (README's table; Sources/RenderPlan/ExitCode.swift).
MEANINGS = {
    0: "done",
    1: "a recipe failed",
    64: "bad option or frame set",
    65: "bad input: the .blend, its scene, or a Blender too old for it",
    66: "a file or object does not exist",
    69: "Blender, FFmpeg or the GPU is missing",
    70: "Blender failed on frames",
    74: "writing the output failed",
    75: "interrupted",
    76: "the store refused or could not be reached",
    77: "a sandboxed recipe reached for something it was not handed",
    130: "cancelled",
}

PROGRESS = "blendbatch-progress: "


def meaning(code):
    return MEANINGS.get(code, "failed")


def find_binary(configured=""):
    """The binary set in the preferences, else `blendbatch` on PATH; None when neither exists."""
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    return shutil.which("blendbatch")


class Result:
    """A finished command: exit code, stdout, and its last stderr line (the CLI says why in one line)."""

    def __init__(self, code, stdout, stderr):
        self.code = code
        self.stdout = stdout
        self.stderr = stderr

    @property
    def why(self):
        """The CLI's own line: its last `blendbatch: …` or `error: …` line (a recipe's traceback follows
        that one), else its last line."""
        lines = [l.strip() for l in self.stderr.splitlines() if l.strip() and not l.startswith(PROGRESS)]
        said = [l for l in lines if l.startswith(("blendbatch: ", "error: "))] or lines
        last = said[-1] if said else ""
        return last[len("blendbatch: "):] if last.startswith("blendbatch: ") else last

    def message(self, what, why=None):
        """One line for a Blender report: what failed, the exit code's meaning, and why (the CLI's line)."""
        why = why or self.why
        return f"blendbatch {what}: {meaning(self.code)} (exit {self.code})" + (f": {why}" if why else "")

    def json(self):
        try:
            return json.loads(self.stdout)
        except ValueError:
            return None

    def lacks_command(self):
        """Whether this blendbatch predates the subcommand just run (estimate, report…): its parser then
        answers with the top-level usage instead of the subcommand's."""
        return self.code == 64 and "Usage: blendbatch <subcommand>" in self.stderr


def run(argv, timeout=120):
    """Run a short command (recipes, config, estimate, report) to its end."""
    try:
        done = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout)
    except OSError as error:
        return Result(69, "", f"cannot run {argv[0]}: {error.strerror}")
    except subprocess.TimeoutExpired:
        return Result(1, "", f"{' '.join(argv[1:3])} took longer than {timeout} s")
    return Result(done.returncode, done.stdout, done.stderr)


class Job:
    """A running `blendbatch render`/`run`: its progress lines arrive on a queue read by a thread, so
    Blender's timer only drains what is there and never blocks."""

    def __init__(self, argv):
        env = dict(os.environ, BLENDBATCH_PROGRESS="json")
        self.process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True, env=env)
        self.events = queue.Queue()
        self.stdout = []
        self.stderr = []
        self.last = {}  # the newest progress line read by progress()
        self.threads = [threading.Thread(target=self._read, args=(self.process.stdout, self.stdout), daemon=True),
                        threading.Thread(target=self._read, args=(self.process.stderr, self.stderr), daemon=True)]
        for thread in self.threads:
            thread.start()

    def _read(self, stream, lines):
        for line in stream:
            lines.append(line)
            if line.startswith(PROGRESS):
                try:
                    self.events.put(json.loads(line[len(PROGRESS):]))
                except ValueError:
                    pass

    def progress(self):
        """The newest progress line since the last call (`{"job", "done", "total", "detail"}`), or None."""
        latest = None
        while not self.events.empty():
            latest = self.events.get_nowait()
        self.last = latest or self.last
        return latest

    def result(self):
        """The Result once the command ended, else None."""
        if self.process.poll() is None:
            return None
        for thread in self.threads:
            thread.join()
        return Result(self.process.returncode, "".join(self.stdout), "".join(self.stderr))

    def wait(self):
        self.process.wait()
        return self.result()

    def cancel(self):
        """SIGTERM: the CLI stops its tasks cleanly and the job can be resumed."""
        if self.process.poll() is None:
            self.process.terminate()
