"""Runs notebooks headless (nbclient, the python3 kernel) and exits non-zero if a cell fails.

    /usr/bin/python3 tests/notebooks/run.py OUT_DIR NOTEBOOK...

Each executed notebook is written to OUT_DIR with its outputs; its check line (or its
last output line) is printed. A failed cell (a check's assert included)
prints its error and makes the exit status 1.
"""
import os
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

os.environ.setdefault('PYDEVD_DISABLE_FILE_VALIDATION', '1')  # the kernel's debugger notice


def run(path, out_dir):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    client = NotebookClient(nb, timeout=600, kernel_name='python3',
                            resources={'metadata': {'path': out_dir}})
    try:
        client.execute()
        ok = True
    except CellExecutionError as e:
        print(f'{path}: a cell failed\n{e}', file=sys.stderr)
        ok = False
    nbformat.write(nb, os.path.join(out_dir, os.path.basename(path)))
    texts = [o.get('text', '') for c in nb.cells if c.cell_type == 'code' for o in c.get('outputs', [])
             if o.get('output_type') == 'stream']
    lines = ''.join(texts).strip().splitlines() or ['(no output)']
    checks = [line for line in lines if line.startswith('CHECK PASSED')]
    print(f"{os.path.basename(path)}: {'FAILED' if not ok else (checks or lines)[-1]}")
    return ok


def main():
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    results = [run(p, out_dir) for p in sys.argv[2:]]
    sys.exit(0 if all(results) else 1)


if __name__ == '__main__':
    main()
