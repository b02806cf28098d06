"""Real parts for the tests: an LMS player over scorm-again, served on 127.0.0.1."""
