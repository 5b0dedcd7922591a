"""E-mails to the reporter and followers on public updates, in Arabic and French; never on internal notes."""

from gisportal.complaints import services
from layers.models import Complaint
from tests.complaints.conftest import TOZEUR_LAT, TOZEUR_LON


def test_public_updates_mail_reporter_and_followers(
    tozeur, planner_tozeur, mailoutbox, django_capture_on_commit_callbacks
):
    complaint = services.submit_report(
        lon=TOZEUR_LON,
        lat=TOZEUR_LAT,
        category="waste",
        description="Conteneur plein",
        reporter_contact="amel@example.org",
    )
    services.follow(complaint, contact="sami@example.org")
    services.follow(complaint, contact="+216 71 000 000")  # a phone: no e-mail
    with django_capture_on_commit_callbacks(execute=True):
        services.add_note(complaint, by=planner_tozeur, note="Camion en panne", public=False)
    assert mailoutbox == []
    with django_capture_on_commit_callbacks(execute=True):
        services.change_status(complaint, to=Complaint.Status.RESOLVED, by=planner_tozeur, note="Vidé ce matin")
    assert sorted(m.to[0] for m in mailoutbox) == ["amel@example.org", "sami@example.org"]
    message = mailoutbox[0]
    assert complaint.tracking_code in message.subject
    assert "Résolue" in message.subject and "Vidé ce matin" in message.body
    assert all(len(m.to) == 1 for m in mailoutbox)
    # Each language's part links to the status page in that language.
    code = complaint.tracking_code
    assert f"http://127.0.0.1:8000/ar/report/{code}/" in message.body
    assert f"http://127.0.0.1:8000/report/{code}/" in message.body


def test_mail_server_down_keeps_the_update(
    tozeur, planner_tozeur, settings, django_capture_on_commit_callbacks, caplog
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_PORT = 1  # nothing listens there
    complaint = tozeur.complaint  # its reporter left an e-mail address
    with django_capture_on_commit_callbacks(execute=True):
        services.change_status(complaint, to=Complaint.Status.ACKNOWLEDGED, by=planner_tozeur, note="Reçu")
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.ACKNOWLEDGED
    assert "not sent" in caplog.text
