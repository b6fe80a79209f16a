import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "regionalbuendnis.settings.local")

app = Celery("regionalbuendnis")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
