"""Airflow 2's Param: `from airflow.models.param import Param`."""
from airflow import Param  # noqa: F401
