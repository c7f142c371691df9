"""The SparkSession of a scan: the one ``spark-submit`` made, or a local one."""

from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path

from pyspark.sql import SparkSession


def spark_session(master: str | None = None, *, app: str = "proofread scan", progress: bool = False) -> SparkSession:
    """The active session (under ``spark-submit``), else one on ``master`` (default ``local[*]``)."""
    # pyspark warns on every pandas UDF that it has not been certified on pandas 3; it works (tested here).
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)
    active = SparkSession.getActiveSession()
    if active is not None and master is None:
        return active
    builder = SparkSession.builder.appName(app).config("spark.ui.showConsoleProgress", str(progress).lower())
    if master is not None:
        builder = builder.master(master)
    # Under spark-submit (which sets PYSPARK_GATEWAY_PORT) the cluster's own settings choose the executors' Python.
    local = master.startswith("local") if master else "PYSPARK_GATEWAY_PORT" not in os.environ
    if local:
        # Local workers run this interpreter (its packages), not whatever `python3` is on PATH;
        # pyspark reads only the environment for it.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    if not any(name in os.environ for name in ("PYSPARK_GATEWAY_PORT", "PYSPARK_SUBMIT_ARGS", "SPARK_CONF_DIR")):
        # This process starts the JVM, with no Spark configuration of the user's: errors only in its log.
        quiet = Path(__file__).with_name("log4j2.properties").as_uri()
        builder = builder.config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile={quiet}")
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session
