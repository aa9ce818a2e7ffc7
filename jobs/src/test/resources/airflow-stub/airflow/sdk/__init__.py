"""Airflow 3's task SDK: `from airflow.sdk import DAG, Asset, Param`."""
import airflow
import airflow.datasets


class DAG(airflow.DAG):
    """Airflow 3's DAG; `schedule_interval` is gone there, as in this stub."""


class Param(airflow.Param):
    """Airflow 3's Param."""


class Asset(airflow.datasets.Dataset):
    """Airflow 3's Asset: `Asset(name, uri)`; the uri is the name when only the name is given."""

    def __init__(self, name=None, uri=None, *, group="asset", extra=None):
        super().__init__(uri if uri is not None else name, extra)
        self.name = name if name is not None else uri


class AssetAny(airflow.datasets.DatasetAny):
    """Airflow 3's AssetAny."""
