import redis
from django.conf import settings


def check_database(connection) -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "not answering"
        return f"error: {exc.__class__.__name__}"
    return "ok"


def check_redis() -> str:
    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
        client.ping()
    # ValueError: a malformed REDIS_URL (wrong scheme, port not a number) is reported, not a crash.
    except (redis.RedisError, ValueError) as exc:
        return f"error: {exc.__class__.__name__}"
    return "ok"
