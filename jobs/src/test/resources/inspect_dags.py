"""Imports DAG files with the airflow stub on PYTHONPATH and prints, as JSON, what each one built.

Usage: python3 inspect_dags.py [--render CONTEXT.json] FILE.py...

With --render, each task also gets "rendered": its templated fields rendered the way Airflow renders
them before a task runs (a sandboxed Jinja2 environment with StrictUndefined, each string rendered
once, lists and dict values recursively). CONTEXT.json holds the DAG run: {"run_id", "logical_date"
(ISO, or null for an Airflow 3 run without one), "run_after" (ISO), "conf" (the trigger's conf)}; the
context's params are the DAG's params overlaid with the conf, as Airflow does. `conn`, `var` and
`macros` are canaries: any use of them is listed under "touched". "encodings" gives the source
encoding Python detects for each file.
"""
import datetime
import importlib.util
import json
import sys
import tokenize

import airflow
import airflow.datasets

touched = []


class Canary:
    """Stands for Airflow's connection, variable and macro accessors: records every use."""

    def __init__(self, path):
        self._path = path

    def __getattr__(self, name):
        touched.append(self._path + "." + name)
        return Canary(self._path + "." + name)

    def __getitem__(self, key):
        touched.append("%s[%r]" % (self._path, key))
        return Canary("%s[%r]" % (self._path, key))

    def __call__(self, *args, **kwargs):
        touched.append(self._path + "()")
        return Canary(self._path + "()")

    def __str__(self):
        touched.append("str(" + self._path + ")")
        return "CANARY"


class DagRun:
    def __init__(self, run_id, logical_date, run_after, conf):
        self.run_id = run_id
        self.logical_date = logical_date
        self.run_after = run_after
        self.conf = conf


def jsonable(value):
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if isinstance(value, airflow.datasets.DatasetAny):
        return {"any": [jsonable(o) for o in value.objects], "class": type(value).__module__ + "." + type(value).__name__}
    if isinstance(value, airflow.datasets.Dataset):
        return {"uri": value.uri, "class": type(value).__module__ + "." + type(value).__name__}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, airflow.Param):
        return {"default": value.value, "schema": value.schema, "description": value.description,
                "class": type(value).__module__ + "." + type(value).__name__}
    return value


def render(env, content, context):
    if isinstance(content, str):
        return env.from_string(content).render(**context)
    if isinstance(content, (list, tuple)):
        return [render(env, v, context) for v in content]
    if isinstance(content, dict):
        return {k: render(env, v, context) for k, v in content.items()}
    return content


def context_of(dag, run):
    import jinja2.sandbox  # noqa: F401
    logical = datetime.datetime.fromisoformat(run["logical_date"]) if run.get("logical_date") else None
    after = datetime.datetime.fromisoformat(run["run_after"])
    params = {k: (p.value if isinstance(p, airflow.Param) else p) for k, p in (dag.params or {}).items()}
    params.update(run.get("conf") or {})
    context = {
        "run_id": run["run_id"],
        "dag_run": DagRun(run["run_id"], logical, after, run.get("conf") or {}),
        "params": params,
        "conn": Canary("conn"),
        "var": Canary("var"),
        "macros": Canary("macros"),
    }
    if logical is not None:
        context["ds"] = logical.strftime("%Y-%m-%d")
    return context


def describe(dag, run):
    tasks = []
    for t in dag.tasks:
        task = {
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
        }
        if t.files is not None:
            task["files"] = t.files
        if t.outlets is not None:
            task["outlets"] = jsonable(t.outlets)
        if run is not None:
            import jinja2
            import jinja2.sandbox
            env = jinja2.sandbox.SandboxedEnvironment(undefined=jinja2.StrictUndefined,
                                                      extensions=["jinja2.ext.do"], cache_size=0)
            context = context_of(dag, run)
            task["rendered"] = {f: render(env, getattr(t, f), context) for f in t.template_fields}
        tasks.append(task)
    described = {
        "dag_id": dag.dag_id,
        "dag_class": type(dag).__module__ + "." + type(dag).__name__,
        "description": dag.description,
        "schedule": jsonable(dag.schedule),
        "start_date": dag.start_date.isoformat() if dag.start_date else None,
        "catchup": dag.catchup,
        "max_active_runs": dag.max_active_runs,
        "tags": dag.tags,
        "default_args": jsonable(dag.default_args),
        "tasks": tasks,
        "edges": sorted([list(e) for e in dag.edges]),
    }
    if dag.params is not None:
        described["params"] = jsonable(dag.params)
    return described


args = sys.argv[1:]
run = None
if args and args[0] == "--render":
    with open(args[1], encoding="utf-8") as f:
        run = json.load(f)
    args = args[2:]
result = {}
encodings = {}
for i, path in enumerate(args):
    with open(path, "rb") as f:
        encodings[path] = tokenize.detect_encoding(f.readline)[0]
    before = len(airflow.dags)
    spec = importlib.util.spec_from_file_location("lakemill_dag_%d" % i, path)
    spec.loader.exec_module(importlib.util.module_from_spec(spec))
    result[path] = [describe(d, run) for d in airflow.dags[before:]]
if run is not None:
    result = {"dags": result, "touched": touched, "encodings": encodings}
json.dump(result, sys.stdout, indent=1, sort_keys=True)
