"""A stand-in for Apache Airflow in lakemill's tests: it records what a DAG file builds.

Only what generated DAG files use exists. Like Airflow it rejects unknown DAG and operator
arguments, malformed or duplicate ids, and tasks created outside a DAG.
"""
import re

_KEY = re.compile(r"^[\w.-]+$")
_context = []
dags = []


def check_key(kind, key):
    if not isinstance(key, str) or not _KEY.match(key) or len(key) > 250:
        raise ValueError("invalid %s %r" % (kind, key))


class Param:
    """Airflow's Param: a default and a JSON schema (type, format, ...) for the trigger form."""

    def __init__(self, default=None, description=None, **schema):
        self.value = default
        self.description = description
        self.schema = schema


def current_dag():
    if not _context:
        raise RuntimeError("a task must be created inside `with DAG(...)`")
    return _context[-1]


class DAG:
    """Airflow 2's DAG: `from airflow import DAG`."""

    def __init__(self, dag_id, *, description=None, schedule=None, start_date=None, catchup=True,
                 max_active_runs=16, tags=None, default_args=None, params=None):
        check_key("dag_id", dag_id)
        if params is not None and not all(isinstance(k, str) for k in params):
            raise ValueError("params keys must be strings")
        self.params = params
        self.dag_id = dag_id
        self.description = description
        self.schedule = schedule
        self.start_date = start_date
        self.catchup = catchup
        self.max_active_runs = max_active_runs
        self.tags = list(tags or [])
        self.default_args = dict(default_args or {})
        self.tasks = []
        self.edges = set()
        dags.append(self)

    def __enter__(self):
        _context.append(self)
        return self

    def __exit__(self, *exc):
        _context.pop()
        return False

    def add_task(self, task):
        if any(t.task_id == task.task_id for t in self.tasks):
            raise ValueError("duplicate task_id %r in DAG %r" % (task.task_id, self.dag_id))
        self.tasks.append(task)

    def add_edge(self, upstream, downstream):
        if upstream.dag is not self or downstream.dag is not self:
            raise ValueError("tasks of different DAGs")
        self.edges.add((upstream.task_id, downstream.task_id))
