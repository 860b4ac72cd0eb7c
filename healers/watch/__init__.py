"""`heal watch`: saved Python files healed as they are saved, batch by batch (loop.py), through
the hook's engine (batch.py), one watcher per project (lock.py)."""
