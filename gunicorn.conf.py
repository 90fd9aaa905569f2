"""gunicorn settings: the access log carries no client address, referrer or query string."""

bind = "127.0.0.1:8000"
workers = 2
threads = 4
forwarded_allow_ips = "127.0.0.1"
accesslog = "-"
# %(t)s time, %(m)s method, %(U)s path without query, %(s)s status, %(B)s bytes, %(L)s secs
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(L)s'
errorlog = "-"
# Workers serve requests only: the app then leaves the migration tools unloaded.
raw_env = ["INTAKE_WEB_WORKER=1"]
