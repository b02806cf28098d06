"""``coursepack preview``: the course in a live LMS on the author's machine.

``app`` runs one preview; ``builder`` rebuilds on every change (``watch``); ``lms``
is the preview's LMS (sessions, commits, controls, cmi5 launch and move-on), with
``attempts`` (Moodle's attempts) and ``lrs`` (the in-memory LRS); ``server`` serves
it on 127.0.0.1; ``static/lms.js`` is the LMS-side SCORM API and
``static/preview.js`` the player page and its inspector.
"""
