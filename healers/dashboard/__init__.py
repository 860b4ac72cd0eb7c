"""The dashboard: figures from the run history (figures.py), the terminal view (terminal.py) and
the local web server (server.py, the `dashboard` extra)."""
