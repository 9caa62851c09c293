"""The instructor's verbs of the `course` command, one module each."""
