"""gunicorn settings for `make serve` and production (`gunicorn -c gunicorn.conf.py config.wsgi`).

Every value can be overridden from the environment, as gunicorn documents for
GUNICORN_CMD_ARGS; the ones operators usually change have their own variables here.
"""

import multiprocessing
import os

bind = os.environ.get(
    "GUNICORN_BIND", f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
)
# The usual (2 x cores) + 1 sync workers: requests are short and spend their time in Python
# and the database, and two per core keeps a core busy while the other waits on I/O.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
# A request that takes longer is a bug or an attack: kill the worker rather than queue behind it.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak can never take the server down.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# Load the application once in the master: workers fork with it already imported.
preload_app = True
accesslog = "-"
errorlog = "-"
# Remote address, the request, status, bytes, duration in microseconds and the user agent.
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(D)sus "%(a)s"'
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
