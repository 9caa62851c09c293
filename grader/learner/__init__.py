"""The learner's loop around the grader: progress, list, next, hint, reset and watch (`grade ...`)."""
