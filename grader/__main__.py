"""`python -m grader ...` is `grade ...`: the way in when the `grade` command is not found
(a terminal whose environment is not activated, a course folder moved after installing)."""

from grader.cli import main

if __name__ == "__main__":
    main(prog_name="python -m grader")
