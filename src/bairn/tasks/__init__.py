"""Background work (DEVELOPERS "Background work"): the tasks a request leaves to the
worker — e-mail and pattern checks — and `bairn worker`, which runs them and seals the
audit log. Built on Django's tasks framework (the `django-tasks` backport, with the
database backend of `django-tasks-db`), so the code moves to Django 6's `django.tasks`
by changing its imports."""
