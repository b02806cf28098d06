"""The interface strings of the pages and of the runtime, per language.

Lookup falls back from a regional tag to its language, then to English.
"""

from __future__ import annotations

from collections.abc import Mapping

_STRINGS: Mapping[str, Mapping[str, str]] = {
    "en": {
        "skip_to_content": "Skip to content",
        "contents": "Contents",
        "course_menu": "Course contents",
        "previous": "Previous",
        "next": "Next",
        "lesson_of": "Page {n} of {total}",
        "module": "Module",
        "quiz": "Quiz",
        "assessment": "Final assessment",
        "appendix": "Resources",
        "submit": "Check my answers",
        "retry": "Try again",
        "hint": "Hint",
        "table": "Table (scrolls sideways)",
        "check": "Check",
        "tries_left": "Tries left on this question: {n}",
        "expected": "Expected answer: {answer}",
        "correct_answer": "correct answer",
        "unanswered": "Not answered.",
        "question_of": "Question {n} of {total}",
        "correct": "Correct.",
        "incorrect": "Not quite.",
        "your_score": "Your score: {score}%",
        "pass_mark": "Pass mark: {mark}%",
        "passed": "You passed.",
        "failed": "You did not reach the pass mark.",
        "attempts_left": "Attempts left: {n}",
        "no_attempts_left": "No attempts left.",
        "true": "True",
        "false": "False",
        "your_answer": "Your answer",
        "choose": "Choose…",
        "move_up": "Move up",
        "move_down": "Move down",
        "save_exit": "Save and exit",
        "exit_done": "Your progress is saved. You can close this window.",
        "not_tracking": "Not connected to a learning platform: your progress will not be saved.",
        "save_failed": "Your progress is not saved yet: the learning platform did not accept it. Keep this window open; we keep trying.",
        "exit_pending": "Your progress is not saved yet, so the course is still open. Keep this window open: it will be saved and closed as soon as the learning platform answers.",
        "exit_failed": "The learning platform did not confirm that your progress was saved. A copy is kept in this browser: open the course again from your learning platform to restore it.",
        "restore_offer": "This browser holds progress that the learning platform did not save last time.",
        "restore_button": "Restore it",
        "other_tab": "This course is already open in another tab or window. This one does not save your progress: continue in the other one, or close it and reload this one.",
        "progress": "Progress",
        "viewed": "viewed",
        "completed": "Course completed.",
        "answer_all": "Answer every question before checking: {n} left.",
        "reset_progress": "Reset my progress",
        "reset_confirm": "Erase your progress and answers in this course, in this browser?",
        "callout_note": "Note",
        "callout_tip": "Tip",
        "callout_important": "Important",
        "callout_warning": "Warning",
        "callout_caution": "Caution",
        "attempt_over": "You have used every attempt of the final assessment without reaching the pass mark. This attempt of the course is over and is recorded as failed. To try again, start a new attempt in your learning platform, or ask your course administrator for one.",
        "locked": "This page opens once the pages before it are done.",
        "launch_incomplete": "This course was opened without the tracking details the learning platform should give it: your progress will not be recorded. Open it again from your learning platform.",
        "launch_failed": "The learning platform did not accept this launch: your progress will not be recorded. Open the course again from your learning platform.",
        "lrs_offline": "Tracking is offline: your progress is kept in this browser and will be sent when the connection is back.",
        "lrs_rejected": "The learning record store refused some tracking data; it is kept in this browser. Tell your course administrator.",
        "lrs_state_unread": "Your earlier progress could not be loaded yet. This session is kept in this browser and nothing stored is overwritten; we keep trying.",
        "lrs_exit_pending": "Not all of your progress has reached the learning platform yet. It is kept in this browser and will be sent the next time you open the course here.",
        "noscript": "JavaScript is off: you can read every page below, but quizzes and progress tracking need JavaScript.",
    },
    "fr": {
        "skip_to_content": "Aller au contenu",
        "contents": "Sommaire",
        "course_menu": "Sommaire du cours",
        "previous": "Précédent",
        "next": "Suivant",
        "lesson_of": "Page {n} sur {total}",
        "module": "Module",
        "quiz": "Quiz",
        "assessment": "Évaluation finale",
        "appendix": "Ressources",
        "submit": "Vérifier mes réponses",
        "retry": "Réessayer",
        "hint": "Indice",
        "table": "Tableau (défilement horizontal)",
        "check": "Vérifier",
        "tries_left": "Essais restants pour cette question : {n}",
        "expected": "Réponse attendue : {answer}",
        "correct_answer": "bonne réponse",
        "unanswered": "Sans réponse.",
        "question_of": "Question {n} sur {total}",
        "correct": "Correct.",
        "incorrect": "Pas tout à fait.",
        "your_score": "Votre score : {score} %",
        "pass_mark": "Seuil de réussite : {mark} %",
        "passed": "Vous avez réussi.",
        "failed": "Vous n’avez pas atteint le seuil de réussite.",
        "attempts_left": "Tentatives restantes : {n}",
        "no_attempts_left": "Plus aucune tentative.",
        "true": "Vrai",
        "false": "Faux",
        "your_answer": "Votre réponse",
        "choose": "Choisir…",
        "move_up": "Monter",
        "move_down": "Descendre",
        "save_exit": "Enregistrer et quitter",
        "exit_done": "Votre progression est enregistrée. Vous pouvez fermer cette fenêtre.",
        "not_tracking": "Pas de connexion à une plateforme de formation : votre progression ne sera pas enregistrée.",
        "save_failed": "Votre progression n’est pas encore enregistrée : la plateforme de formation ne l’a pas acceptée. Gardez cette fenêtre ouverte ; nous réessayons.",
        "exit_pending": "Votre progression n’est pas encore enregistrée, le cours reste donc ouvert. Gardez cette fenêtre ouverte : il sera enregistré et fermé dès que la plateforme de formation répondra.",
        "exit_failed": "La plateforme de formation n’a pas confirmé l’enregistrement de votre progression. Une copie est gardée dans ce navigateur : rouvrez le cours depuis votre plateforme pour la restaurer.",
        "restore_offer": "Ce navigateur garde une progression que la plateforme de formation n’a pas enregistrée la dernière fois.",
        "restore_button": "La restaurer",
        "other_tab": "Ce cours est déjà ouvert dans un autre onglet ou une autre fenêtre. Celui-ci n’enregistre pas votre progression : continuez dans l’autre, ou fermez-le et rechargez celui-ci.",
        "progress": "Progression",
        "viewed": "vues",
        "completed": "Cours terminé.",
        "answer_all": "Répondez à toutes les questions avant de vérifier : il en reste {n}.",
        "reset_progress": "Effacer ma progression",
        "reset_confirm": "Effacer votre progression et vos réponses dans ce cours, dans ce navigateur ?",
        "callout_note": "Note",
        "callout_tip": "Astuce",
        "callout_important": "À retenir",
        "callout_warning": "Attention",
        "callout_caution": "Prudence",
        "attempt_over": "Vous avez utilisé toutes les tentatives de l’évaluation finale sans atteindre le seuil de réussite. Cette tentative du cours est terminée et enregistrée comme un échec. Pour réessayer, commencez une nouvelle tentative dans votre plateforme de formation ou demandez-en une à la personne qui administre le cours.",
        "locked": "Cette page s’ouvre quand les pages précédentes sont terminées.",
        "launch_incomplete": "Ce cours a été ouvert sans les informations de suivi que la plateforme de formation doit lui transmettre : votre progression ne sera pas enregistrée. Ouvrez-le de nouveau depuis votre plateforme.",
        "launch_failed": "La plateforme de formation n’a pas accepté ce lancement : votre progression ne sera pas enregistrée. Ouvrez de nouveau le cours depuis votre plateforme.",
        "lrs_offline": "Le suivi est hors ligne : votre progression est gardée dans ce navigateur et sera envoyée dès le retour de la connexion.",
        "lrs_rejected": "L’entrepôt d’apprentissage a refusé certaines données de suivi ; elles sont gardées dans ce navigateur. Prévenez la personne qui administre le cours.",
        "lrs_state_unread": "Votre progression précédente n’a pas encore pu être chargée. Cette session est gardée dans ce navigateur et rien d’enregistré n’est écrasé ; nous réessayons.",
        "lrs_exit_pending": "Une partie de votre progression n’a pas encore atteint la plateforme de formation. Elle est gardée dans ce navigateur et sera envoyée la prochaine fois que vous ouvrirez le cours ici.",
        "noscript": "JavaScript est désactivé : vous pouvez lire toutes les pages ci-dessous, mais les quiz et le suivi de la progression en ont besoin.",
    },
}


BUILT_IN_LANGUAGES = frozenset(_STRINGS)


def strings_for(language: str, overrides: Mapping[str, str] | None = None) -> Mapping[str, str]:
    """Built-in strings for the language (English where it has none), then a
    translation file's ``ui.*`` units."""
    primary = language.split("-")[0].lower()
    base = dict(_STRINGS["en"])
    base.update(_STRINGS.get(primary, {}))
    base.update(overrides or {})
    return base


def direction(language: str) -> str:
    """'rtl' or 'ltr', from the CLDR data Babel ships."""
    from babel import Locale, UnknownLocaleError

    try:
        return "rtl" if Locale.parse(language, sep="-").text_direction == "rtl" else "ltr"
    except (ValueError, UnknownLocaleError):
        return "ltr"
