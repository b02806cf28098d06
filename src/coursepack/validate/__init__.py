"""Package validation (the ``coursepack validate`` command builds on this package)."""
