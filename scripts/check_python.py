"""Fail loudly, before anything is installed, when this Python is not the one the lock
file was made with: its pinned releases may have no wheels for another Python (and pip
would then build from source, or fetch a different torch build of several GB).

    python3 scripts/check_python.py constraints.txt

Runs with the interpreter the Makefile will use, before the virtual environment exists,
so it uses nothing but the standard library.
"""
import re
import sys


def lock_python(lock_text):
    """The "major.minor" the lock file's header names ("# Python 3.11.7 on Linux x86_64")."""
    match = re.search(r"^# Python (\d+\.\d+)", lock_text, flags=re.MULTILINE)
    if not match:
        raise SystemExit("the lock file's header does not say which Python made it: re-pin with `make lock`")
    return match.group(1)


def main(lock_path):
    with open(lock_path, encoding="utf-8") as lock:
        wanted = lock_python(lock.read())
    running = "%d.%d" % sys.version_info[:2]
    if running != wanted:
        raise SystemExit(
            f"{lock_path} pins versions for Python {wanted}, but this is Python {running}.\n"
            f"Run make with that Python (make PYTHON=python{wanted} ...), or re-pin the lock for "
            f"this one with `make lock` and run the tests on it.")


if __name__ == "__main__":
    main(sys.argv[1])
