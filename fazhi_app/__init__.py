"""The application: the ``fazhi`` command, the nightly job, releases, the site build and its MkDocs plugin.

It drives the scraper and the search index, which in turn build on the shared model
in ``fazhi``; nothing below imports it.
"""
