"""Taught before used: a learner meets a Python construct in a lesson before any lesson, starter,
hint or solution of the course uses it.

The course order is module by module (00 to 15); inside a module, the lessons in number order,
then the module's exercises (starter, hints and explanation, reference solution). Code cells are
read with `ast` (no kernel runs); hints are plain text, so they are searched with regexes.
"""

from __future__ import annotations

import ast
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from tests.conftest import REPO

# construct -> the lesson that teaches it, and a word its Markdown must use where it does
TAUGHT = {
    "list comprehension": ("02-python-basics/02-lists-and-loops.ipynb", "list comprehension"),
    "dict comprehension": ("02-python-basics/04-dictionaries.ipynb", "dict comprehension"),
    "set comprehension": ("02-python-basics/04-dictionaries.ipynb", "set"),
    "lambda": ("03-python-functions/01-functions.ipynb", "a small function without a name"),
    "*args": ("03-python-functions/01-functions.ipynb", "any number of arguments"),
    "**kwargs": ("03-python-functions/01-functions.ipynb", "any number of arguments"),
    "decorator": ("12-prototyping/03-serving-with-fastapi.ipynb", "decorator"),
}

# the same constructs in prose (hints and explanations are text with code written inline)
HINT_PATTERNS = {
    "list comprehension": re.compile(r"[\[(](?![\])])\s*[\w.\"'()\[\], *+-]+?\s+for\s+\w+(?:\s*,\s*\w+)*\s+in\s+\S"),
    "dict comprehension": re.compile(r"\{\s*[^{}:\n]+:\s*[^{}\n]+?\s+for\s+\w+(?:\s*,\s*\w+)*\s+in\s+\S"),
    "set comprehension": re.compile(r"\{\s*[\w.\"'()\[\] ]+?\s+for\s+\w+(?:\s*,\s*\w+)*\s+in\s+\S"),
    "lambda": re.compile(r"\blambda\b[^:\n]*:"),
    "*args": re.compile(r"(?:\(|,\s*)\*[A-Za-z_]\w*\s*[,)]"),
    "**kwargs": re.compile(r"(?:\(|,\s*)\*\*[A-Za-z_]\w*"),
    "decorator": re.compile(r"(?:^|[\s`])@[A-Za-z_][\w.]*(?=\(|`|\s*$)", re.MULTILINE),
}


@dataclass(frozen=True)
class Place:
    """Where a learner reads something: its rank in the course order, and what to call it."""

    rank: tuple[str, int, str]
    name: str


def constructs_in_code(source: str) -> set[str]:
    """The constructs a code cell uses; IPython's % and ! lines are left out."""
    code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))
    try:
        tree = ast.parse(code)
    except SyntaxError:  # a cell that shows an error on purpose
        return constructs_in_text(code)
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.ListComp, ast.GeneratorExp)):
            found.add("list comprehension")
        elif isinstance(node, ast.DictComp):
            found.add("dict comprehension")
        elif isinstance(node, ast.SetComp):
            found.add("set comprehension")
        elif isinstance(node, ast.Lambda):
            found.add("lambda")
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if node.decorator_list:
                found.add("decorator")
            if not isinstance(node, ast.ClassDef):
                if node.args.vararg:
                    found.add("*args")
                if node.args.kwarg:
                    found.add("**kwargs")
        elif isinstance(node, ast.Call):
            if any(isinstance(arg, ast.Starred) for arg in node.args):
                found.add("*args")
            if any(keyword.arg is None for keyword in node.keywords):
                found.add("**kwargs")
    return found


def constructs_in_text(text: str) -> set[str]:
    return {name for name, pattern in HINT_PATTERNS.items() if pattern.search(text)}


def code_cells(path: Path) -> Iterator[tuple[int, str]]:
    for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
        if cell.cell_type == "code":
            yield index, cell.source


def course_uses(root: Path) -> Iterator[tuple[Place, str]]:
    """Every use of a construct in the course: where, and which construct."""
    modules = sorted({p.name for p in (root / "docs" / "modules").iterdir() if p.is_dir()})
    for module in modules:
        for lesson in sorted((root / "docs" / "modules" / module).glob("[0-9]*.ipynb")):
            for index, source in code_cells(lesson):
                where = Place((module, 0, lesson.name), f"lesson {module}/{lesson.name}, code cell {index}")
                for construct in constructs_in_code(source):
                    yield where, construct
        for toml_path in sorted((root / "exercises" / module).glob("*/exercise.toml")):
            slug = toml_path.parent.name
            rank = (module, 1, slug)
            meta = tomllib.loads(toml_path.read_text(encoding="utf-8"))
            texts = [*meta.get("hints", []), meta.get("explanation", "")]
            for number, text in enumerate(texts, start=1):
                what = f"hint {number}" if number <= len(meta.get("hints", [])) else "explanation"
                for construct in constructs_in_text(text):
                    yield Place(rank, f"exercise {module}/{slug}, {what}"), construct
            notebook = meta.get("notebook", f"{slug}.ipynb")
            for kind, path in (
                ("starter", toml_path.parent / notebook),
                ("solution", root / "solutions" / module / slug / notebook),
            ):
                if path.exists():
                    for index, source in code_cells(path):
                        for construct in constructs_in_code(source):
                            yield Place(rank, f"{kind} of {module}/{slug}, code cell {index}"), construct


def teaching_cell(root: Path, construct: str) -> tuple[Place, int]:
    """The teaching lesson's place and the first Markdown cell that names the construct."""
    lesson, word = TAUGHT[construct]
    path = root / "docs" / "modules" / lesson
    assert path.exists(), f"{construct} is taught in {lesson}, which does not exist: update TAUGHT"
    for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
        if cell.cell_type == "markdown" and word.lower() in cell.source.lower():
            module, name = lesson.split("/")
            return Place((module, 0, name), f"lesson {lesson}"), index
    raise AssertionError(f"{lesson} is said to teach {construct}, but no Markdown cell of it says {word!r}")


def used_before_taught(root: Path) -> list[str]:
    teaching = {construct: teaching_cell(root, construct) for construct in TAUGHT}
    problems = []
    for where, construct in course_uses(root):
        taught_at, cell = teaching[construct]
        early = where.rank < taught_at.rank
        if where.rank == taught_at.rank:  # in the teaching lesson itself: not above the explanation
            index = int(where.name.rsplit(" ", 1)[1])
            early = index < cell
        if early:
            problems.append(f"{where.name} uses {construct}, which is only taught in {taught_at.name} (cell {cell})")
    return problems


def test_every_construct_is_taught_before_it_is_used():
    problems = used_before_taught(REPO)
    assert not problems, (
        "Teach these where they are first needed, or write them with what was already "
        "taught (and update TAUGHT when the teaching moves):\n" + "\n".join(problems)
    )


def test_the_constructs_are_recognised_in_code_and_in_hints():
    code = """
@app.get("/x")
def f(*args, **kwargs):
    g(**kwargs)
    return [a for a in args], {k: v for k, v in kwargs.items()}, {a for a in args}, sorted(args, key=lambda a: a)
"""
    assert constructs_in_code(code) == set(TAUGHT)
    hint = (
        "Then report = [summarize(name, r) for name, r in items.items()]; or counts = {w: n for w, n in pairs}; "
        "seen = {w for w in words}; sorted(x, key=lambda r: r[1]); call(*values) and call(**options); "
        'put `@app.post("/predict")` above the function.'
    )
    assert constructs_in_text(hint) == set(TAUGHT)
    prose = (
        "amounts = [] and for line in lines[1:]: append. Count the words (for each word in the text, "
        "add 1), make it *bold*, mail ana@example.com, compute z**2 * p and 2 * (1 - p), then **A** or **B**."
    )
    assert constructs_in_text(prose) == set()


def _copy_of_the_course_order(tmp_path: Path) -> Path:
    """A small course: the teaching lessons of TAUGHT (copied) and an earlier lesson of ours."""
    for lesson, _ in TAUGHT.values():
        target = tmp_path / "docs" / "modules" / lesson
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((REPO / "docs" / "modules" / lesson).read_bytes())
    return tmp_path


def test_a_use_moved_before_its_lesson_is_caught(tmp_path: Path):
    root = _copy_of_the_course_order(tmp_path)
    assert used_before_taught(root) == []
    early = new_notebook(
        cells=[new_markdown_cell("# Cells"), new_code_cell("names = ['a', 'b']\nupper = [n.upper() for n in names]")]
    )
    (root / "docs" / "modules" / "01-jupyter").mkdir(parents=True)
    nbformat.write(early, root / "docs" / "modules" / "01-jupyter" / "01-cells.ipynb")
    exercise = root / "exercises" / "02-python-basics" / "demo"
    exercise.mkdir(parents=True)
    (exercise / "exercise.toml").write_text(
        'id = "demo"\nnotebook = "demo.ipynb"\nhints = ["use sorted(x, key=lambda p: p[1])"]\n', encoding="utf-8"
    )
    nbformat.write(
        new_notebook(cells=[new_code_cell("def f(**options):\n    return options")]), exercise / "demo.ipynb"
    )
    problems = "\n".join(used_before_taught(root))
    assert "01-jupyter/01-cells.ipynb, code cell 1 uses list comprehension" in problems
    assert "02-python-basics/demo, hint 1 uses lambda" in problems
    assert "starter of 02-python-basics/demo, code cell 0 uses **kwargs" in problems


def test_a_use_above_the_explanation_in_the_teaching_lesson_is_caught(tmp_path: Path):
    root = _copy_of_the_course_order(tmp_path)
    lesson = root / "docs" / "modules" / TAUGHT["lambda"][0]
    nb = nbformat.read(lesson, as_version=4)
    nb.cells.insert(1, new_code_cell("shout = lambda text: text.upper()"))
    nbformat.write(nb, lesson)
    assert "01-functions.ipynb, code cell 1 uses lambda" in "\n".join(used_before_taught(root))
