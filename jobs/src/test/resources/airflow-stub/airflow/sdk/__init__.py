"""Airflow 3's task SDK: `from airflow.sdk import DAG`."""
import airflow


class DAG(airflow.DAG):
    """Airflow 3's DAG; `schedule_interval` is gone there, as in this stub."""
