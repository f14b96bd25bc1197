/**
 * Log text as real servers write it. The Django record is what Django 4.2 with DEBUG=False writes
 * through `django.request` with the formatter `{levelname} {name}: {message}` when a table is
 * missing: psycopg2's error, then Django's wrapping ProgrammingError, chained.
 */
export const DJANGO_MISSING_TABLE = `ERROR django.request: Internal Server Error: /@alice/
Traceback (most recent call last):
  File "/srv/app/venv/lib/python3.11/site-packages/django/db/backends/utils.py", line 89, in _execute
    return self.cursor.execute(sql, params)
           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
psycopg2.errors.UndefinedTable: relation "user_profile_about_item" does not exist
LINE 1: ..."user_profile_about_item"."position" FROM "user_profile...
                                                             ^


The above exception was the direct cause of the following exception:

Traceback (most recent call last):
  File "/srv/app/venv/lib/python3.11/site-packages/django/core/handlers/exception.py", line 55, in inner
    response = get_response(request)
               ^^^^^^^^^^^^^^^^^^^^^
  File "/srv/app/profiles/views.py", line 41, in profile
    items = list(profile.about_items.all())
            ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/srv/app/venv/lib/python3.11/site-packages/django/db/backends/utils.py", line 89, in _execute
    return self.cursor.execute(sql, params)
           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
django.db.utils.ProgrammingError: relation "user_profile_about_item" does not exist
LINE 1: ..."user_profile_about_item"."position" FROM "user_profile...
                                                             ^
`;

export const DJANGO_SERVER_ACCESS = `INFO django.server: "GET /@alice/ HTTP/1.1" 500 145`;
