"""Proofreading on Apache Spark (``pip install 'proofread[spark]'``; needs a Java runtime).

``findings(df)`` and ``documents(df)`` check a DataFrame's text column on the executors
(``mapInPandas``, Arrow batches; one ``Proofreader`` per Python worker process, reused
across batches); ``run_spark_scan`` is ``proofread scan --engine spark``. This package is
the only one that imports pyspark.
"""

from .api import documents, findings
from .scan import SparkScanError, SparkScanResult, run_spark_scan
from .session import spark_session

__all__ = ["SparkScanError", "SparkScanResult", "documents", "findings", "run_spark_scan", "spark_session"]
