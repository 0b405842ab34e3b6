"""The capture script's words, translated on the server and handed to it in the page."""

from __future__ import annotations

from services.api.web.i18n import N_, gettext, ngettext

MESSAGES = {
    "all_sent": N_("Everything is sent."),
    "sending": N_("Sending…"),
    "offline": N_(
        "No connection. Your changes are kept on this phone and will be sent "
        "when the connection returns."
    ),
    "needs_alt": N_("Say what the photo shows before adding it, for people who cannot see it."),
    "no_photo": N_("Take or choose a photo first."),
    "photo_kept": N_("Photo kept. It will be sent with the draft."),
    "recording_kept": N_("Recording kept. It will be sent with the draft."),
    "recording": N_("Recording… Press “Stop recording” when you are done."),
    "record": N_("Record audio"),
    "stop": N_("Stop recording"),
    "no_microphone": N_(
        "This browser cannot record sound here. You can add a recorded file in the full editor."
    ),
    "recording_label": N_("Recording %(n)s"),
    "insert": N_("Insert in the text"),
    "inserted": N_("Inserted in the text."),
    "waiting": N_("waiting to be sent"),
    "sent": N_("sent"),
    "conflict": N_(
        "Someone else changed this draft. Open it in the full editor to see both versions."
    ),
    "refused": N_("This change was not accepted: %(detail)s"),
    "submitted": N_("Submitted for review. Editors will see it in their queue."),
    "restored": N_("Changes not yet sent were restored from this phone."),
}


def script_messages() -> dict[str, str]:
    """Every message in the page's language, and both forms of the pending count."""
    found = {key: gettext(message) for key, message in MESSAGES.items()}
    for key, count in (("pending_one", 1), ("pending_other", 2)):
        found[key] = ngettext(
            "%(num)s change waiting to be sent", "%(num)s changes waiting to be sent", count
        )
    return found
