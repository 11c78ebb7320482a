"""The residents' jobs (Celery registers this module); each job's function sits with its feature."""
