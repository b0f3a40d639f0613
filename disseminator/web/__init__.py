"""The web page for officers: a server-rendered Flask application on the same library as
the CLI (``disseminator web``; the daemon serves it too when ``[web] enabled = true``).

- :mod:`.app`: the application factory (:func:`create_app`), its parts registered in order;
- :mod:`.sessions`: logins kept in the database (idle and absolute timeouts), notices;
- :mod:`.auth`: the login and logout pages, :func:`~.auth.page` (the role check: the
  core's :func:`disseminator.officers.check_command`, nothing copied);
- :mod:`.throttle`: failed logins counted per officer and per address (in the database);
- :mod:`.security`: CSRF tokens on every form, the HTTP security headers;
- :mod:`.language`: Indonesian (default) or English per browser, from the CLI's catalogs;
- :mod:`.nav`: the menu every page is listed in;
- :mod:`.pages`: one module per page (queue and history, accounts and holds, report);
- :mod:`.server`: the threaded WSGI server the CLI and the daemon start.

How to add a page: ``README-dev.md`` beside this file.
"""
