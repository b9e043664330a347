"""Background work goes through here: tasks are queued only once the transaction that
created their work has committed, so a worker never sees rows that might roll back."""

from django.db import transaction


def enqueue_after_commit(func_path: str, *args, **kwargs) -> None:
    from django_q.tasks import async_task

    def _queue():
        async_task(func_path, *args, **kwargs)

    transaction.on_commit(_queue)
