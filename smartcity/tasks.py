from celery import shared_task


@shared_task(name="smartcity.ping")
def ping():
    """Answers "pong": lets an operator (and the tests) see that a worker takes tasks from the broker."""
    return "pong"
