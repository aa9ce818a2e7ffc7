"""Imports DAG files with the airflow stub on PYTHONPATH and prints, as JSON, what each one built.

Usage: python3 inspect_dags.py FILE.py...
"""
import datetime
import importlib.util
import json
import sys

import airflow


def describe(dag):
    return {
        "dag_id": dag.dag_id,
        "dag_class": type(dag).__module__ + "." + type(dag).__name__,
        "description": dag.description,
        "schedule": dag.schedule,
        "start_date": dag.start_date.isoformat() if dag.start_date else None,
        "catchup": dag.catchup,
        "max_active_runs": dag.max_active_runs,
        "tags": dag.tags,
        "default_args": {k: (v.total_seconds() if isinstance(v, datetime.timedelta) else v)
                         for k, v in dag.default_args.items()},
        "tasks": [{
            "task_id": t.task_id,
            "name": t.name,
            "application": t.application,
            "java_class": t.java_class,
            "application_args": t.application_args,
            "conf": t.conf,
            "conn_id": t.conn_id,
            "jars": t.jars,
            "packages": t.packages,
            "env_vars": t.env_vars,
        } for t in dag.tasks],
        "edges": sorted([list(e) for e in dag.edges]),
    }


result = {}
for i, path in enumerate(sys.argv[1:]):
    before = len(airflow.dags)
    spec = importlib.util.spec_from_file_location("lakemill_dag_%d" % i, path)
    spec.loader.exec_module(importlib.util.module_from_spec(spec))
    result[path] = [describe(d) for d in airflow.dags[before:]]
json.dump(result, sys.stdout, indent=1, sort_keys=True)
