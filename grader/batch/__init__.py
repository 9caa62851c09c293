"""Grading a cohort: `course grade-batch`, in parallel on one machine or on a Dask cluster."""

from grader.batch.run import BatchOptions, BatchReport, grade_batch

__all__ = ["BatchOptions", "BatchReport", "grade_batch"]
