"""Airflow 2's Dataset (2.4 and later): `from airflow.datasets import Dataset`."""
import re

_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://")


class Dataset:
    def __init__(self, uri, extra=None):
        if not isinstance(uri, str) or not uri.isascii() or not _SCHEME.match(uri) or uri.startswith("airflow://"):
            raise ValueError("invalid dataset uri %r" % (uri,))
        self.uri = uri
        self.extra = extra

    def __eq__(self, other):
        return type(other) is type(self) and other.uri == self.uri

    def __hash__(self):
        return hash(self.uri)


class DatasetAny:
    """Airflow 2.9's DatasetAny: the DAG runs when any one of the datasets is updated."""

    def __init__(self, *objects):
        if len(objects) < 2 or not all(isinstance(o, Dataset) for o in objects):
            raise ValueError("DatasetAny needs two or more datasets")
        self.objects = list(objects)
