"""many organisations on one installation

The ``organisation`` row gains its address (slug, own host name), type, province and
district, status; every other table gains ``organisation_id``, filled with the one
organisation an existing installation has, so it upgrades with nothing lost. What was
unique for the installation (a department's name, a case's reference, a user name, an
audit entry's number, a holiday, a reference counter) is now unique per organisation, and
each organisation has its own audit chain (``audit_head`` keyed by organisation). The
statistics tallies are rebuilt per organisation by a recount.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 05:30:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

FIRST_SLUG = "main"

# Tables whose rows simply gain their organisation (an indexed column).
INDEXED = (
    "departments",
    "categories",
    "case_exclusions",
    "case_events",
    "attachments",
    "reopen_requests",
    "satisfaction",
    "identity_keys",
    "custodian_keys",
    "identity_key_grants",
    "personal_keys",
    "reveal_requests",
    "notifications",
    "outbox",
    "reminders_sent",
    "users",
    "staff_sessions",
    "sign_in_failures",
    "ended_public_tokens",
    "report_narratives",
)
# Tables whose primary key now starts with the organisation: (old key, new key).
REKEYED = {
    "extra_holidays": (["day"], ["organisation_id", "day"]),
    "reference_counters": (["kind", "fiscal_year"], ["organisation_id", "kind", "fiscal_year"]),
    "audit_log": (["id"], ["organisation_id", "id"]),
}
# Unique per organisation now: table -> (old columns, new columns).
UNIQUES = {
    "departments": (["name_th"], ["organisation_id", "name_th"]),
    "categories": (["kind", "name_th"], ["organisation_id", "kind", "name_th"]),
    "users": (["username"], ["organisation_id", "username"]),
    "report_narratives": (
        ["kind", "fiscal_year", "half"],
        ["organisation_id", "kind", "fiscal_year", "half"],
    ),
}
# The case indexes, now led by the organisation: name -> columns after it.
CASE_INDEXES = {
    "ix_cases_kind_received_at": ["kind", "received_at"],
    "ix_cases_status_due_at": ["status", "due_at"],
    "ix_cases_due_order": ["due_at", "received_at", "id"],
    "ix_cases_received_order": ["received_at", "id"],
    "ix_cases_department_due": ["department_id", "due_at"],
    "ix_cases_category_received": ["category_id", "received_at"],
}
OPEN_INDEX = "ix_cases_open_due_order"
REFERENCE_INDEX = "ix_cases_reference_prefix"
AUDIT_TRIGGERS = {
    "sqlite": [
        "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END",
        "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END",
    ],
    "postgresql": [
        "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
        "FOR EACH ROW EXECUTE FUNCTION audit_log_refuse()",
        "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse()",
    ],
}
DROP_AUDIT_TRIGGERS = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS audit_log_no_update",
        "DROP TRIGGER IF EXISTS audit_log_no_delete",
    ],
    "postgresql": [
        "DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log",
        "DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log",
    ],
}


def _enum(name, *values):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=20)


ORGANISATION_TYPE = _enum(
    "organisationtype", "pao", "city", "town", "subdistrict_muni", "sao", "special", "other"
)
ORGANISATION_STATUS = _enum("organisationstatus", "active", "suspended")
KIND = _enum("casekind", "complaint", "tip")


def _dialect():
    return op.get_bind().dialect.name


def _run(statements):
    for statement in statements:
        op.execute(statement)


def _fk(table):
    return f"fk_{table}_organisation_id_organisation"


def upgrade():
    _organisation_columns()
    organisation_id = _the_organisation()
    _run(DROP_AUDIT_TRIGGERS[_dialect()])
    for table in (*INDEXED, *REKEYED, "cases"):
        _add_organisation(table, organisation_id)
    for table, (old, new) in UNIQUES.items():
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(f"uq_{table}_{'_'.join(old)}", type_="unique")
            batch.create_unique_constraint(f"uq_{table}_{'_'.join(new)}", new)
    for table, (_old, new) in REKEYED.items():
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(f"pk_{table}", type_="primary")
            batch.create_primary_key(f"pk_{table}", new)
    _run(AUDIT_TRIGGERS[_dialect()])
    _audit_head_per_organisation(organisation_id)
    _case_indexes()
    _tallies_per_organisation()


def _organisation_columns():
    with op.batch_alter_table("organisation") as batch:
        batch.add_column(sa.Column("slug", sa.String(63), nullable=True))
        batch.add_column(sa.Column("hostname", sa.String(253), nullable=True))
        batch.add_column(sa.Column("kind", ORGANISATION_TYPE, nullable=True))
        batch.add_column(sa.Column("province", sa.String(100), nullable=True))
        batch.add_column(sa.Column("district", sa.String(100), nullable=True))
        batch.add_column(sa.Column("search_key", sa.String(600), nullable=True))
        batch.add_column(sa.Column("status", ORGANISATION_STATUS, nullable=True))
        batch.add_column(sa.Column("created_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(
        sa.text(
            "UPDATE organisation SET slug = CASE WHEN id = (SELECT min(id) FROM organisation) "
            "THEN :first ELSE 'org-' || id END, kind = 'sao', province = '', district = '', "
            "search_key = '', status = 'active', created_at = CURRENT_TIMESTAMP"
        ).bindparams(first=FIRST_SLUG)
    )
    _search_keys()
    with op.batch_alter_table("organisation") as batch:
        for name in ("slug", "kind", "province", "district", "search_key", "status", "created_at"):
            batch.alter_column(name, nullable=False)
        batch.create_unique_constraint("uq_organisation_slug", ["slug"])
        batch.create_unique_constraint("uq_organisation_hostname", ["hostname"])


def _search_keys():
    # By the one definition the directory searches with.
    from intake.models import OrganisationType
    from intake.places.names import search_key

    bind = op.get_bind()
    for row in bind.execute(sa.text("SELECT id, name_th, name_en FROM organisation")).all():
        key = search_key(row.name_th, row.name_en or "", OrganisationType.SAO, "", "")
        bind.execute(
            sa.text("UPDATE organisation SET search_key = :key WHERE id = :id"),
            {"key": key, "id": row.id},
        )


def _the_organisation():
    """The installation's organisation; None on a database that has none yet (made
    before `intake init` finished), which holds nothing but its empty audit head."""
    bind = op.get_bind()
    organisation_id = bind.execute(sa.text("SELECT min(id) FROM organisation")).scalar()
    if organisation_id is None:
        for table in (*INDEXED, "cases", "audit_log", "extra_holidays"):
            if bind.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar():
                raise RuntimeError(
                    f"table {table} has rows but there is no organisation row: "
                    "run the previous version's `intake init` first"
                )
    return organisation_id


def _add_organisation(table, organisation_id):
    with op.batch_alter_table(table) as batch:
        batch.add_column(sa.Column("organisation_id", sa.Integer(), nullable=True))
    if organisation_id is not None:
        op.execute(
            sa.text(f"UPDATE {table} SET organisation_id = :id").bindparams(id=organisation_id)
        )
    with op.batch_alter_table(table) as batch:
        batch.alter_column("organisation_id", existing_type=sa.Integer(), nullable=False)
        batch.create_foreign_key(_fk(table), "organisation", ["organisation_id"], ["id"])
        if table in INDEXED:
            batch.create_index(f"ix_{table}_organisation_id", ["organisation_id"])


def _audit_head_per_organisation(organisation_id):
    bind = op.get_bind()
    head = bind.execute(sa.text("SELECT last_id, last_mac FROM audit_head")).first()
    op.drop_table("audit_head")
    op.create_table(
        "audit_head",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("last_id", sa.Integer(), nullable=False),
        sa.Column("last_mac", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"], name=_fk("audit_head")),
        sa.PrimaryKeyConstraint("organisation_id", name="pk_audit_head"),
    )
    if organisation_id is not None:
        last_id, last_mac = head if head is not None else (0, "")
        op.execute(
            sa.text(
                "INSERT INTO audit_head (organisation_id, last_id, last_mac) VALUES (:o, :i, :m)"
            ).bindparams(o=organisation_id, i=last_id, m=last_mac)
        )


def _open_statuses():
    return sa.text("status IN ('received', 'screening', 'assigned', 'in_progress')")


def _case_indexes(lead=("organisation_id",)):
    with op.batch_alter_table("cases") as batch:
        batch.drop_constraint("uq_cases_reference", type_="unique")
        batch.create_unique_constraint(
            "uq_cases_organisation_id_reference", ["organisation_id", "reference"]
        )
    for name, columns in CASE_INDEXES.items():
        op.drop_index(name, table_name="cases")
        op.create_index(name, "cases", [*lead, *columns])
    op.drop_index(OPEN_INDEX, table_name="cases")
    where = _open_statuses()
    op.create_index(
        OPEN_INDEX,
        "cases",
        [*lead, "due_at", "received_at", "id"],
        postgresql_where=where,
        sqlite_where=where,
    )
    op.drop_index(REFERENCE_INDEX, table_name="cases")
    op.create_index(
        REFERENCE_INDEX,
        "cases",
        [*lead, "reference"],
        postgresql_ops={"reference": "varchar_pattern_ops"},
    )


def _tallies_per_organisation():
    op.drop_table("case_tallies")
    op.create_table(
        "case_tallies",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("kind", KIND, nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("dimension", sa.String(length=12), nullable=False),
        sa.Column("value", sa.String(length=36), nullable=False),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.Column("on_time", sa.Boolean(), nullable=False),
        sa.Column("cases", sa.Integer(), nullable=False),
        sa.Column("responses", sa.Integer(), nullable=False),
        sa.Column("satisfied", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"], name=_fk("case_tallies")),
        sa.PrimaryKeyConstraint(
            "organisation_id",
            "kind",
            "month",
            "dimension",
            "value",
            "closed",
            "on_time",
            name="pk_case_tallies",
        ),
    )
    # Filled by a recount, by the one definition the application keeps them by afterwards.
    from intake import tallies

    rows = [
        {**key.__dict__, **counts.__dict__}
        for key, counts in sorted(tallies.recount(op.get_bind()).items())
    ]
    if rows:
        op.bulk_insert(sa.table("case_tallies", *(sa.column(name) for name in rows[0])), rows)


def downgrade():
    bind = op.get_bind()
    if bind.execute(sa.text("SELECT count(*) FROM organisation")).scalar() > 1:
        raise RuntimeError("this database serves several organisations: it cannot go back")
    organisation_id = bind.execute(sa.text("SELECT min(id) FROM organisation")).scalar()
    head = bind.execute(
        sa.text("SELECT last_id, last_mac FROM audit_head WHERE organisation_id = :o").bindparams(
            o=organisation_id or 0
        )
    ).first()
    op.drop_table("audit_head")
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_id", sa.Integer(), nullable=False),
        sa.Column("last_mac", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_head"),
    )
    last_id, last_mac = head if head is not None else (0, "")
    op.execute(
        sa.text("INSERT INTO audit_head (id, last_id, last_mac) VALUES (1, :i, :m)").bindparams(
            i=last_id, m=last_mac
        )
    )
    with op.batch_alter_table("cases") as batch:
        batch.drop_constraint("uq_cases_organisation_id_reference", type_="unique")
        batch.create_unique_constraint("uq_cases_reference", ["reference"])
    for name, columns in CASE_INDEXES.items():
        op.drop_index(name, table_name="cases")
        op.create_index(name, "cases", columns)
    op.drop_index(OPEN_INDEX, table_name="cases")
    where = _open_statuses()
    op.create_index(
        OPEN_INDEX,
        "cases",
        ["due_at", "received_at", "id"],
        postgresql_where=where,
        sqlite_where=where,
    )
    op.drop_index(REFERENCE_INDEX, table_name="cases")
    op.create_index(
        REFERENCE_INDEX, "cases", ["reference"], postgresql_ops={"reference": "varchar_pattern_ops"}
    )
    _run(DROP_AUDIT_TRIGGERS[_dialect()])
    for table, (old, _new) in REKEYED.items():
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(f"pk_{table}", type_="primary")
            batch.create_primary_key(f"pk_{table}", old)
    for table, (old, new) in UNIQUES.items():
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(f"uq_{table}_{'_'.join(new)}", type_="unique")
            batch.create_unique_constraint(f"uq_{table}_{'_'.join(old)}", old)
    for table in (*INDEXED, *REKEYED, "cases", "case_tallies"):
        with op.batch_alter_table(table) as batch:
            if table in INDEXED:
                batch.drop_index(f"ix_{table}_organisation_id")
            batch.drop_constraint(_fk(table), type_="foreignkey")
            if table == "case_tallies":
                batch.drop_constraint("pk_case_tallies", type_="primary")
                batch.create_primary_key(
                    "pk_case_tallies", ["kind", "month", "dimension", "value", "closed", "on_time"]
                )
            batch.drop_column("organisation_id")
    _run(AUDIT_TRIGGERS[_dialect()])
    with op.batch_alter_table("organisation") as batch:
        batch.drop_constraint("uq_organisation_hostname", type_="unique")
        batch.drop_constraint("uq_organisation_slug", type_="unique")
        batch.drop_constraint("organisationtype", type_="check")
        batch.drop_constraint("organisationstatus", type_="check")
        for name in (
            "created_at",
            "status",
            "search_key",
            "district",
            "province",
            "kind",
            "hostname",
            "slug",
        ):
            batch.drop_column(name)
