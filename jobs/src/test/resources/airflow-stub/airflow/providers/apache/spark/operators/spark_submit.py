"""apache-airflow-providers-apache-spark's SparkSubmitOperator, recording its arguments."""
import airflow


class SparkSubmitOperator:
    template_fields = ("application", "conf", "files", "py_files", "jars", "driver_class_path", "packages",
                       "exclude_packages", "keytab", "principal", "proxy_user", "name", "application_args",
                       "env_vars", "properties_file")

    def __init__(self, *, task_id, application="", conf=None, conn_id="spark_default", java_class=None,
                 application_args=None, name="arrow-spark", jars=None, packages=None, env_vars=None,
                 files=None, py_files=None, archives=None, driver_class_path=None, exclude_packages=None,
                 repositories=None, total_executor_cores=None, executor_cores=None, executor_memory=None,
                 driver_memory=None, keytab=None, principal=None, proxy_user=None, num_executors=None,
                 status_poll_interval=1, verbose=False, spark_binary=None, properties_file=None,
                 yarn_queue=None, deploy_mode=None, owner=None, retries=None, retry_delay=None, outlets=None):
        airflow.check_key("task_id", task_id)
        self.task_id = task_id
        self.application = application
        self.conf = conf
        self.conn_id = conn_id
        self.java_class = java_class
        self.application_args = application_args
        self.name = name
        self.jars = jars
        self.packages = packages
        self.env_vars = env_vars
        self.files = files
        self.py_files = py_files
        self.driver_class_path = driver_class_path
        self.exclude_packages = exclude_packages
        self.keytab = keytab
        self.principal = principal
        self.proxy_user = proxy_user
        self.properties_file = properties_file
        self.outlets = outlets
        self.dag = airflow.current_dag()
        self.dag.add_task(self)

    def set_downstream(self, other):
        for task in other if isinstance(other, (list, tuple)) else [other]:
            self.dag.add_edge(self, task)

    def set_upstream(self, other):
        for task in other if isinstance(other, (list, tuple)) else [other]:
            self.dag.add_edge(task, self)

    def __rshift__(self, other):
        self.set_downstream(other)
        return other

    def __lshift__(self, other):
        self.set_upstream(other)
        return other

    def __rrshift__(self, other):
        self.set_upstream(other)
        return self

    def __rlshift__(self, other):
        self.set_downstream(other)
        return self
