"""What a learner legitimately does still works in the sandbox: the exercise's data, files in the
working folder, a temporary file, the home folder, matplotlib, scikit-learn, pandas, joblib's
workers, a subprocess; graded by the real `grade`."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_grade, write_exercise, write_nb

EVERYTHING_WORKED = '''
@points(1)
def test_everything_worked(nb):
    """everything a learner may do worked"""
    assert nb.value("results") == {"rows": 3, "png": True, "model": 1, "file": "kept", "tmp": True,
                                   "home": "x", "subprocess": "4", "joblib": [0, 1, 2, 3], "urandom": 8}
'''
CELLS = [
    "import pandas as pd\nresults = {}\nresults['rows'] = len(pd.read_csv('data.csv'))",
    "import os\nimport matplotlib.pyplot as plt\nplt.plot([1, 2], [3, 4])\nplt.title('hello')\n"
    "plt.savefig('plot.png')\nresults['png'] = os.path.getsize('plot.png') > 1000",
    "from sklearn.linear_model import LogisticRegression\n"
    "model = LogisticRegression().fit([[0], [1], [2], [3]], [0, 0, 1, 1])\n"
    "results['model'] = int(model.predict([[3]])[0])",
    "from pathlib import Path\nPath('out.txt').write_text('kept')\nresults['file'] = Path('out.txt').read_text()",
    "import tempfile\nwith tempfile.NamedTemporaryFile() as f:\n    f.write(b'x')\nresults['tmp'] = True\n"
    "Path.home().joinpath('note.txt').write_text('x')\nresults['home'] = Path.home().joinpath('note.txt').read_text()",
    "import subprocess, sys\nresults['subprocess'] = subprocess.run([sys.executable, '-c', 'print(2 + 2)'], "
    "capture_output=True, text=True).stdout.strip()",
    "from joblib import Parallel, delayed\nresults['joblib'] = Parallel(n_jobs=2)(delayed(abs)(-i) for i in range(4))",
    "results['urandom'] = len(os.urandom(8))",
]


def test_when_a_learner_uses_data_files_and_libraries_then_the_sandbox_lets_them(tmp_path: Path):
    folder = write_exercise(
        tmp_path / "course" / "exercises" / "00-test" / "demo",
        EVERYTHING_WORKED,
        'data = ["data.csv"]\n[limits]\ncell_timeout = 60\n',
    )
    (folder / "data.csv").write_text("a,b\n1,2\n3,4\n5,6\n")
    notebook = write_nb(CELLS, tmp_path / "learner" / "demo.ipynb")
    done = run_grade(str(notebook), "--json", "-", env={"COURSE_ROOT": str(tmp_path / "course")}, cwd=notebook.parent)
    result = json.loads(done.stdout)
    assert (result["status"], result["cell_errors"]) == ("passed", []), result
    assert not (folder / "out.txt").exists() and not (notebook.parent / "out.txt").exists()
