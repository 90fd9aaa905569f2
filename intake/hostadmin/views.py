"""The host administration's pages: sign-in, the organisations with their health,
opening one, suspending and resuming, and a first enrolment link issued again."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import (
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from intake.extensions import db, limiter
from intake.hostadmin.blueprint import HOST_SESSION_KEY, bp
from intake.hostadmin.forms import CreateOrganisationForm, HostLoginForm
from intake.models import Organisation, OrganisationType
from intake.models.organisation import OrganisationStatus
from intake.problem_messages import say
from intake.problems import Problem
from intake.services import (
    ServiceError,
    enrolment,
    host_admins,
    host_audit,
    host_health,
    organisations,
)
from intake.services import host_organisations as host_orgs
from intake.services.keyring import host_keyring

SIGN_IN_LIMIT = "10 per minute"


def _now() -> datetime:
    return datetime.now(UTC)


def _actor() -> str:
    return host_audit.host_actor(g.host_admin.id)


def _links_page(slug: str, links: list[tuple[str, str]]) -> ResponseReturnValue:
    return render_template("hostadmin/links.html", slug=slug, links=links)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(SIGN_IN_LIMIT, methods=["POST"])
def login() -> ResponseReturnValue:
    form = HostLoginForm()
    if form.validate_on_submit():
        try:
            admin = host_admins.sign_in(
                db.session,
                host_keyring(),
                form.username.data or "",
                form.password.data or "",
                form.otp.data or "",
                _now(),
            )
        except ServiceError:
            # One message whatever was wrong: it must not tell which usernames exist.
            form.password.errors = [say(Problem.SIGN_IN_REFUSED)]
        else:
            session.clear()
            session[HOST_SESSION_KEY] = host_admins.session_id(admin)
            return redirect(url_for("hostadmin.index"), code=303)
    return render_template("hostadmin/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout() -> ResponseReturnValue:
    session.pop(HOST_SESSION_KEY, None)
    return redirect(url_for("hostadmin.login"), code=303)


@bp.route("/")
def index() -> ResponseReturnValue:
    return render_template(
        "hostadmin/organisations.html",
        rows=host_health.health(db.session, _now()),
        recent=host_audit.recent(db.session, 20),
        active=OrganisationStatus.ACTIVE,
    )


@bp.route("/organisations/new", methods=["GET", "POST"])
def create() -> ResponseReturnValue:
    form = CreateOrganisationForm()
    if request.method != "POST":
        return render_template("hostadmin/create.html", form=form)
    valid = form.validate_on_submit()
    spec = _spec(form)
    # Every wrong field at once: the place checks beside the form's own.
    wrong = host_orgs.problems(db.session, spec)
    for field, problem in wrong.items():
        if not form[field].errors:
            form[field].errors = [say(problem)]
    if valid and not wrong:
        try:
            opened = host_orgs.open_organisation(
                db.session,
                spec,
                form.passphrase.data or "",
                actor=_actor(),
                now=_now(),
            )
        except ServiceError as error:
            form.passphrase.errors = [say(error.code)]
        else:
            return _show_links(opened.organisation.slug, list(opened.links))
    return render_template("hostadmin/create.html", form=form)


def _spec(form: CreateOrganisationForm) -> host_orgs.NewOrganisation:
    kinds = {kind.value for kind in OrganisationType}
    return host_orgs.NewOrganisation(
        slug=(form.slug.data or "").strip().lower(),
        name_th=(form.name_th.data or "").strip(),
        name_en=(form.name_en.data or "").strip(),
        kind=OrganisationType(form.kind.data if form.kind.data in kinds else "other"),
        province=(form.province.data or "").strip(),
        district=(form.district.data or "").strip(),
        hostname=(form.hostname.data or "").strip().lower(),
    )


def _show_links(slug: str, issued: list[enrolment.IssuedLink]) -> ResponseReturnValue:
    organisation = organisations.by_slug(db.session, slug)
    assert organisation is not None  # noqa: S101
    base = organisations.base_url(db.session, organisation, current_app.config["INTAKE_BASE_URL"])
    links = [(link.user.username, link.url(base)) for link in issued]
    return _links_page(slug, links)


def _organisation_or_404(slug: str) -> Organisation:
    found = organisations.by_slug(db.session, slug)
    if found is None:
        abort(404)
    return found


@bp.route("/organisations/<slug>/status", methods=["POST"])
def set_status(slug: str) -> ResponseReturnValue:
    organisation = _organisation_or_404(slug)
    wanted = request.form.get("status", "")
    if wanted not in {status.value for status in OrganisationStatus}:
        abort(400)
    host_orgs.set_status(
        db.session,
        organisation,
        OrganisationStatus(wanted),
        actor=_actor(),
        now=_now(),
    )
    flash(_("บันทึกสถานะของหน่วยงานแล้ว"), "success")
    return redirect(url_for("hostadmin.index"), code=303)


@bp.route("/organisations/<slug>/links/<username>", methods=["POST"])
def reissue_link(slug: str, username: str) -> ResponseReturnValue:
    organisation = _organisation_or_404(slug)
    try:
        issued = host_orgs.reissue_first_link(
            db.session, organisation, username, actor=_actor(), now=_now()
        )
    except ServiceError:
        flash(_("ออกลิงก์ไม่ได้: บัญชีนี้ลงทะเบียนแล้ว ให้ผู้ดูแลระบบของหน่วยงานดำเนินการเอง"), "error")
        return redirect(url_for("hostadmin.index"), code=303)
    return _show_links(slug, [issued])
