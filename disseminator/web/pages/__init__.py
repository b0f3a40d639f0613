"""The pages: one module each, with a Flask blueprint ``bp`` (listed in
:data:`disseminator.web.app.PAGES`) that adds itself to the menu (:mod:`..nav`)."""
