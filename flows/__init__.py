"""boilerstrip's orchestration: the Prefect flow, its command line and its outputs.

No cleaning logic lives here; `cleaners` does that. Importing this package does
not import Prefect (the command line configures Prefect first).
"""
