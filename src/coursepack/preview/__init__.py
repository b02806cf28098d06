"""``coursepack preview``: the course in a live LMS on the author's machine.

``attempts`` keeps Moodle's attempts, ``static/lms.js`` is the LMS-side SCORM API,
``lrs`` the in-memory LRS and cmi5 launch, ``builder`` rebuilds on every change, and
``server`` serves the player page, the inspector and the course on 127.0.0.1.
"""
