--
-- PostgreSQL database dump
--


-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: audit_log_refuse(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.audit_log_refuse() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN RAISE EXCEPTION 'audit log is append-only'; END; $$;


SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: alembic_version; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.alembic_version (
    version_num character varying(32) NOT NULL
);


--
-- Name: attachments; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.attachments (
    id character varying(36) NOT NULL,
    case_id character varying(36) NOT NULL,
    name_enc bytea NOT NULL,
    mime character varying(100) NOT NULL,
    size integer NOT NULL,
    stored_name character varying(64) NOT NULL,
    metadata_removed boolean NOT NULL,
    created_at timestamp with time zone NOT NULL,
    event_id character varying(36),
    metadata_report character varying(200) DEFAULT ''::character varying NOT NULL
);


--
-- Name: audit_head; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.audit_head (
    id integer NOT NULL,
    last_id integer NOT NULL,
    last_mac character varying(64) NOT NULL
);


--
-- Name: audit_log; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.audit_log (
    id integer NOT NULL,
    at timestamp with time zone NOT NULL,
    actor character varying(80) NOT NULL,
    action character varying(60) NOT NULL,
    case_id character varying(36),
    detail character varying(200) NOT NULL,
    mac character varying(64) NOT NULL
);


--
-- Name: case_events; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.case_events (
    id character varying(36) NOT NULL,
    case_id character varying(36) NOT NULL,
    at timestamp with time zone NOT NULL,
    type character varying(20) NOT NULL,
    from_status character varying(20),
    to_status character varying(20),
    public boolean NOT NULL,
    body_enc bytea,
    actor_id integer,
    CONSTRAINT ck_case_events_eventtype CHECK (((type)::text = ANY ((ARRAY['filed'::character varying, 'status'::character varying, 'interim_notice'::character varying, 'update'::character varying, 'note'::character varying, 'moved'::character varying, 'question'::character varying, 'reply'::character varying])::text[]))),
    CONSTRAINT ck_case_events_from_status CHECK (((from_status)::text = ANY ((ARRAY['received'::character varying, 'screening'::character varying, 'assigned'::character varying, 'in_progress'::character varying, 'resolved'::character varying, 'rejected'::character varying, 'referred'::character varying])::text[]))),
    CONSTRAINT ck_case_events_to_status CHECK (((to_status)::text = ANY ((ARRAY['received'::character varying, 'screening'::character varying, 'assigned'::character varying, 'in_progress'::character varying, 'resolved'::character varying, 'rejected'::character varying, 'referred'::character varying])::text[])))
);


--
-- Name: case_exclusions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.case_exclusions (
    case_id character varying(36) NOT NULL,
    user_id integer NOT NULL,
    created_at timestamp with time zone NOT NULL,
    created_by_id integer
);


--
-- Name: case_tallies; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.case_tallies (
    kind character varying(20) NOT NULL,
    month character varying(7) NOT NULL,
    dimension character varying(12) NOT NULL,
    value character varying(36) NOT NULL,
    closed boolean NOT NULL,
    on_time boolean NOT NULL,
    cases integer NOT NULL,
    responses integer NOT NULL,
    satisfied integer NOT NULL,
    CONSTRAINT ck_case_tallies_casekind CHECK (((kind)::text = ANY ((ARRAY['complaint'::character varying, 'tip'::character varying])::text[])))
);


--
-- Name: cases; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.cases (
    id character varying(36) NOT NULL,
    kind character varying(20) NOT NULL,
    channel character varying(20) NOT NULL,
    status character varying(20) NOT NULL,
    reference character varying(32) NOT NULL,
    fiscal_year integer NOT NULL,
    sequence integer NOT NULL,
    tracking_digest character varying(64) NOT NULL,
    category_id integer,
    department_id integer,
    subject_enc bytea NOT NULL,
    details_enc bytea NOT NULL,
    location_enc bytea,
    accused_enc bytea,
    contact_enc bytea,
    incident_date date,
    anonymous boolean NOT NULL,
    received_at timestamp with time zone NOT NULL,
    first_due_at timestamp with time zone NOT NULL,
    due_at timestamp with time zone NOT NULL,
    first_response_at timestamp with time zone,
    closed_at timestamp with time zone,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    identity_sealed bytea,
    identity_key_id integer,
    referred_to character varying(30),
    referred_to_name character varying(200),
    registered_by_id integer,
    notices_stopped boolean DEFAULT false NOT NULL,
    notice_address_enc bytea,
    contents_purged_at timestamp with time zone,
    identity_purged_at timestamp with time zone,
    identity_added_at timestamp with time zone,
    primary_case_id character varying(36),
    accused_role character varying(20),
    CONSTRAINT ck_cases_accusedrole CHECK (((accused_role)::text = ANY ((ARRAY['executive'::character varying, 'staff'::character varying, 'other'::character varying])::text[]))),
    CONSTRAINT ck_cases_casekind CHECK (((kind)::text = ANY ((ARRAY['complaint'::character varying, 'tip'::character varying])::text[]))),
    CONSTRAINT ck_cases_channel CHECK (((channel)::text = ANY ((ARRAY['web'::character varying, 'walk_in'::character varying, 'phone'::character varying, 'letter'::character varying, 'email'::character varying, 'social'::character varying, 'damrongdham'::character varying, 'agency'::character varying])::text[]))),
    CONSTRAINT ck_cases_status CHECK (((status)::text = ANY ((ARRAY['received'::character varying, 'screening'::character varying, 'assigned'::character varying, 'in_progress'::character varying, 'resolved'::character varying, 'rejected'::character varying, 'referred'::character varying])::text[])))
);


--
-- Name: categories; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.categories (
    id integer NOT NULL,
    kind character varying(20) NOT NULL,
    name_th character varying(200) NOT NULL,
    name_en character varying(200) NOT NULL,
    department_id integer,
    "position" integer NOT NULL,
    active boolean NOT NULL,
    CONSTRAINT ck_categories_casekind CHECK (((kind)::text = ANY ((ARRAY['complaint'::character varying, 'tip'::character varying])::text[])))
);


--
-- Name: categories_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.categories_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: categories_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.categories_id_seq OWNED BY public.categories.id;


--
-- Name: custodian_keys; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.custodian_keys (
    user_id integer NOT NULL,
    public_key bytea NOT NULL,
    private_wrapped bytea NOT NULL,
    created_at timestamp with time zone NOT NULL,
    passphrase_failures integer DEFAULT 0 NOT NULL,
    passphrase_lockouts integer DEFAULT 0 NOT NULL,
    passphrase_locked_until timestamp with time zone
);


--
-- Name: departments; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.departments (
    id integer NOT NULL,
    name_th character varying(200) NOT NULL,
    name_en character varying(200) NOT NULL,
    active boolean NOT NULL
);


--
-- Name: departments_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.departments_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: departments_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.departments_id_seq OWNED BY public.departments.id;


--
-- Name: ended_public_tokens; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.ended_public_tokens (
    digest character varying(64) NOT NULL,
    expires_at timestamp with time zone NOT NULL
);


--
-- Name: extra_holidays; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.extra_holidays (
    day date NOT NULL,
    name character varying(200) NOT NULL
);


--
-- Name: identity_key_grants; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.identity_key_grants (
    identity_key_id integer NOT NULL,
    user_id integer NOT NULL,
    private_sealed bytea NOT NULL,
    created_at timestamp with time zone NOT NULL
);


--
-- Name: identity_keys; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.identity_keys (
    id integer NOT NULL,
    public_key bytea NOT NULL,
    created_at timestamp with time zone NOT NULL,
    retired_at timestamp with time zone
);


--
-- Name: identity_keys_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.identity_keys_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: identity_keys_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.identity_keys_id_seq OWNED BY public.identity_keys.id;


--
-- Name: notifications; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.notifications (
    id integer NOT NULL,
    user_id integer NOT NULL,
    kind character varying(40) NOT NULL,
    case_id character varying(36),
    reveal_request_id character varying(36),
    created_at timestamp with time zone NOT NULL,
    read_at timestamp with time zone
);


--
-- Name: notifications_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.notifications_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: notifications_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.notifications_id_seq OWNED BY public.notifications.id;


--
-- Name: organisation; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.organisation (
    id integer NOT NULL,
    name_th character varying(200) NOT NULL,
    name_en character varying(200) NOT NULL,
    unit_name_th character varying(200) NOT NULL,
    unit_name_en character varying(200) NOT NULL,
    address character varying(500) NOT NULL,
    phone character varying(50) NOT NULL,
    email character varying(254) NOT NULL,
    office_hours character varying(200) NOT NULL,
    office_hours_en character varying(200) NOT NULL,
    deadline_mode character varying(20) NOT NULL,
    response_days integer NOT NULL,
    max_attachments integer NOT NULL,
    max_attachment_mb integer NOT NULL,
    strip_image_metadata boolean NOT NULL,
    reveal_days integer DEFAULT 7 NOT NULL,
    tell_tipster_of_reveal boolean DEFAULT true NOT NULL,
    due_soon_days integer DEFAULT 3 NOT NULL,
    officer_title_th character varying(200) DEFAULT ''::character varying NOT NULL,
    officer_title_en character varying(200) DEFAULT ''::character varying NOT NULL,
    tip_unit_name_th character varying(200) DEFAULT ''::character varying NOT NULL,
    tip_unit_name_en character varying(200) DEFAULT ''::character varying NOT NULL,
    hotline character varying(50) DEFAULT ''::character varying NOT NULL,
    line_id character varying(100) DEFAULT ''::character varying NOT NULL,
    facebook_url character varying(300) DEFAULT ''::character varying NOT NULL,
    centre_location_th character varying(300) DEFAULT ''::character varying NOT NULL,
    centre_location_en character varying(300) DEFAULT ''::character varying NOT NULL,
    address_en character varying(500) DEFAULT ''::character varying NOT NULL,
    guide_published_on date,
    complaint_contents_years integer DEFAULT 10 NOT NULL,
    complaint_identity_years integer DEFAULT 10 NOT NULL,
    tip_contents_years integer DEFAULT 10 NOT NULL,
    tip_identity_years integer DEFAULT 10 NOT NULL,
    tip_phone character varying(50) DEFAULT ''::character varying NOT NULL,
    tip_email character varying(254) DEFAULT ''::character varying NOT NULL,
    tip_location_th character varying(300) DEFAULT ''::character varying NOT NULL,
    tip_location_en character varying(300) DEFAULT ''::character varying NOT NULL,
    tip_guide_published_on date,
    pdf_thai_digits boolean DEFAULT false NOT NULL,
    reopen_days integer DEFAULT 30 NOT NULL,
    CONSTRAINT ck_organisation_countingmode CHECK (((deadline_mode)::text = ANY ((ARRAY['calendar'::character varying, 'working'::character varying])::text[])))
);


--
-- Name: organisation_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.organisation_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: organisation_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.organisation_id_seq OWNED BY public.organisation.id;


--
-- Name: outbox; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.outbox (
    id character varying(36) NOT NULL,
    kind character varying(40) NOT NULL,
    recipient_enc bytea NOT NULL,
    subject_enc bytea NOT NULL,
    body_enc bytea NOT NULL,
    created_at timestamp with time zone NOT NULL,
    sent_at timestamp with time zone,
    attempts integer NOT NULL,
    next_attempt_at timestamp with time zone,
    failed_at timestamp with time zone,
    last_code integer
);


--
-- Name: personal_keys; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.personal_keys (
    user_id integer NOT NULL,
    public_key bytea NOT NULL,
    private_wrapped bytea NOT NULL,
    created_at timestamp with time zone NOT NULL
);


--
-- Name: reference_counters; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.reference_counters (
    kind character varying(20) NOT NULL,
    fiscal_year integer NOT NULL,
    last_number integer NOT NULL,
    CONSTRAINT ck_reference_counters_casekind CHECK (((kind)::text = ANY ((ARRAY['complaint'::character varying, 'tip'::character varying])::text[])))
);


--
-- Name: reminders_sent; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.reminders_sent (
    user_id integer NOT NULL,
    kind character varying(20) NOT NULL,
    day date NOT NULL,
    cases integer NOT NULL,
    created_at timestamp with time zone NOT NULL
);


--
-- Name: reopen_requests; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.reopen_requests (
    id character varying(36) NOT NULL,
    case_id character varying(36) NOT NULL,
    event_id character varying(36) NOT NULL,
    requested_at timestamp with time zone NOT NULL,
    outcome character varying(20) NOT NULL,
    decided_at timestamp with time zone,
    decided_by_id integer,
    answer_event_id character varying(36),
    CONSTRAINT ck_reopen_requests_reopenoutcome CHECK (((outcome)::text = ANY ((ARRAY['pending'::character varying, 'reopened'::character varying, 'declined'::character varying])::text[])))
);


--
-- Name: report_narratives; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.report_narratives (
    id integer NOT NULL,
    kind character varying(20) NOT NULL,
    fiscal_year integer NOT NULL,
    half integer NOT NULL,
    problems text NOT NULL,
    remedies text NOT NULL,
    recommendations text NOT NULL,
    prepared_name character varying(200) NOT NULL,
    prepared_position character varying(200) NOT NULL,
    prepared_on date,
    reviewed_name character varying(200) NOT NULL,
    reviewed_position character varying(200) NOT NULL,
    reviewed_on date,
    approved_name character varying(200) NOT NULL,
    approved_position character varying(200) NOT NULL,
    approved_on date,
    updated_at timestamp with time zone NOT NULL,
    updated_by_id integer,
    CONSTRAINT ck_report_narratives_casekind CHECK (((kind)::text = ANY ((ARRAY['complaint'::character varying, 'tip'::character varying])::text[])))
);


--
-- Name: report_narratives_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.report_narratives_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: report_narratives_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.report_narratives_id_seq OWNED BY public.report_narratives.id;


--
-- Name: reveal_requests; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.reveal_requests (
    id character varying(36) NOT NULL,
    case_id character varying(36) NOT NULL,
    requester_id integer NOT NULL,
    reason_enc bytea NOT NULL,
    status character varying(20) NOT NULL,
    requested_at timestamp with time zone NOT NULL,
    decided_by_id integer,
    decided_at timestamp with time zone,
    decision_reason_enc bytea,
    approved_at timestamp with time zone,
    expires_at timestamp with time zone,
    revealed_sealed bytea,
    CONSTRAINT ck_reveal_requests_revealstatus CHECK (((status)::text = ANY ((ARRAY['pending'::character varying, 'approved'::character varying, 'refused'::character varying, 'revoked'::character varying, 'expired'::character varying])::text[])))
);


--
-- Name: satisfaction; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.satisfaction (
    case_id character varying(36) NOT NULL,
    speed integer NOT NULL,
    fairness integer NOT NULL,
    clarity integer NOT NULL,
    overall integer NOT NULL,
    comment_enc bytea,
    created_at timestamp with time zone NOT NULL,
    CONSTRAINT ck_satisfaction_scores CHECK ((((speed >= 1) AND (speed <= 5)) AND ((fairness >= 1) AND (fairness <= 5)) AND ((clarity >= 1) AND (clarity <= 5)) AND ((overall >= 1) AND (overall <= 5))))
);


--
-- Name: sign_in_failures; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.sign_in_failures (
    user_id integer NOT NULL,
    client character varying(64) NOT NULL,
    failures integer NOT NULL,
    window_started_at timestamp with time zone NOT NULL,
    locked_until timestamp with time zone,
    trusted_until timestamp with time zone
);


--
-- Name: staff_sessions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.staff_sessions (
    id integer NOT NULL,
    digest character varying(64) NOT NULL,
    user_id integer NOT NULL,
    created_at timestamp with time zone NOT NULL,
    last_seen_at timestamp with time zone NOT NULL,
    ended_at timestamp with time zone
);


--
-- Name: staff_sessions_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.staff_sessions_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: staff_sessions_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.staff_sessions_id_seq OWNED BY public.staff_sessions.id;


--
-- Name: users; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.users (
    id integer NOT NULL,
    username character varying(80) NOT NULL,
    display_name character varying(200) NOT NULL,
    password_hash character varying(255) NOT NULL,
    role character varying(20) NOT NULL,
    department_id integer,
    totp_secret_enc bytea,
    active boolean NOT NULL,
    created_at timestamp with time zone NOT NULL,
    totp_confirmed boolean DEFAULT false NOT NULL,
    totp_last_step bigint,
    session_version integer DEFAULT 1 NOT NULL,
    last_login_at timestamp with time zone,
    email character varying(254) DEFAULT ''::character varying NOT NULL,
    is_lead boolean DEFAULT false NOT NULL,
    enrolment_digest character varying(64),
    enrolment_expires_at timestamp with time zone,
    excluded_from_executive_tips boolean DEFAULT false NOT NULL,
    CONSTRAINT ck_users_role CHECK (((role)::text = ANY ((ARRAY['intake'::character varying, 'legal'::character varying, 'department'::character varying, 'custodian'::character varying, 'executive'::character varying, 'admin'::character varying, 'auditor'::character varying])::text[])))
);


--
-- Name: users_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.users_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: users_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.users_id_seq OWNED BY public.users.id;


--
-- Name: categories id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.categories ALTER COLUMN id SET DEFAULT nextval('public.categories_id_seq'::regclass);


--
-- Name: departments id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.departments ALTER COLUMN id SET DEFAULT nextval('public.departments_id_seq'::regclass);


--
-- Name: identity_keys id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.identity_keys ALTER COLUMN id SET DEFAULT nextval('public.identity_keys_id_seq'::regclass);


--
-- Name: notifications id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.notifications ALTER COLUMN id SET DEFAULT nextval('public.notifications_id_seq'::regclass);


--
-- Name: organisation id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.organisation ALTER COLUMN id SET DEFAULT nextval('public.organisation_id_seq'::regclass);


--
-- Name: report_narratives id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.report_narratives ALTER COLUMN id SET DEFAULT nextval('public.report_narratives_id_seq'::regclass);


--
-- Name: staff_sessions id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.staff_sessions ALTER COLUMN id SET DEFAULT nextval('public.staff_sessions_id_seq'::regclass);


--
-- Name: users id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.users ALTER COLUMN id SET DEFAULT nextval('public.users_id_seq'::regclass);


--
-- Data for Name: alembic_version; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.alembic_version (version_num) FROM stdin;
0020
\.


--
-- Data for Name: attachments; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.attachments (id, case_id, name_enc, mime, size, stored_name, metadata_removed, created_at, event_id, metadata_report) FROM stdin;
05528722-76b3-4b38-89b4-dbcc610f6f64	efe79fc9-283e-4425-9bda-3dc6d9bbef06	\\x01026331f0e55ec573cee69320bae12f906e749baf4d99d344a8d48b1ae23394ac2fcc8695671a95e6ff7407503ac0c231d4e5	image/png	85	ec3b3b4ccef8a1a6a6914bab36ed1c6f	t	2026-12-07 05:08:34.249212+00	\N	cleaned:location,device,dates,properties;kept:content
092320b1-aeba-49fc-a29c-e4926ef65c20	efe79fc9-283e-4425-9bda-3dc6d9bbef06	\\x010263313a09266994845d3c6a175e6219dfbdbe071b3d0c70a49db4eb50d9782ad35ded3557221e95f297fcca7c488bda0f5f17f7498b8901	application/pdf	696	d2d1cc096fc87683a35bd3a829371219	f	2026-12-07 05:08:34.249219+00	\N	
9a526e8c-37d9-4e67-9980-a813d32a6607	46ea573a-d819-409a-96da-8716a29a1e9e	\\x01026331ad54642ebd6f2f3ae15cc6e5b07f7461b877084185eebae51956a2086768c34aa5f68a89763c2069ff	image/png	85	7d514754a8026351757a64a4b5297f21	t	2026-12-07 05:08:34.32258+00	\N	cleaned:location,device,dates,properties;kept:content
1cbafd31-0b58-48c3-9ad2-f6057196b94b	1b7b3e62-a43c-437e-bf7f-8d47ad13afca	\\x01026331698f78212fc7ba1bc600922cac684ec163a39fa4c3da4a0bdbe57a2d26d204c473c4639e38aab0a03184e0fe6cb41a90d68c6131c8	application/pdf	527	45b3b9978c30f85cdf467d21cf14d063	t	2026-12-07 05:08:34.626245+00	\N	cleaned:author,dates,device,properties,revisions,scripts,pictures,location;kept:content
44ba5f85-54d7-45a9-8d6b-908b65fc2b3f	34aa7f0f-4b96-4db7-bd33-79bb1215e20e	\\x01026331c33376723fa1c9fe064754db33ad15db00e862514ab60dc8b56e37d65c2d5d4598d6dedfdbceb295f2092f2ac9b650361eee5784cb	image/png	85	de81e58eea26f9f07ec59a0a82856144	t	2026-12-07 05:08:34.710652+00	\N	cleaned:location,device,dates,properties;kept:content
dd480a75-c6da-4c0c-84fc-a98ff763691f	1b7b3e62-a43c-437e-bf7f-8d47ad13afca	\\x010263316edcf86882c586d2adb10d4189d3b50da48ad5bbdfdf90f312078364560a79401ca1d07c7b4e8e7d94a8b363bf805511f6bd492209eb0bb4e4c7d9	application/pdf	527	fb8ee41b26271ef0ab2872c4b2af4d10	t	2026-12-07 05:08:37.275123+00	2bda47fc-680a-4b6e-90e5-9cc32e959f09	cleaned:author,dates,device,properties,revisions,scripts,pictures,location;kept:content
\.


--
-- Data for Name: audit_head; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.audit_head (id, last_id, last_mac) FROM stdin;
1	35	c40bed9f3d7e31882c278182f0a5fec5970569f1247fe5e903a67192e50598d1
\.


--
-- Data for Name: audit_log; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.audit_log (id, at, actor, action, case_id, detail, mac) FROM stdin;
1	2026-12-07 05:08:32.552227+00	system	key.identity_created	\N	identity key 1	4585d9e9e94b3a6e2ee45e5bfb6863d239505638ca48d5cc4dc52e375582b92d
2	2026-12-07 05:08:32.552227+00	system	custodian.added	\N	custodian user:1	e0dfe66015cc2efbf6d875fb278455a34628524279c6ba519651f4b5ddc4591d
3	2026-12-07 05:08:32.924725+00	system	user.enrolment_issued	\N	user:1	f2d35f5a636c472778a90ae6c1c97a6f865e6d8410652e6d950d4d14fb93db00
4	2026-10-05 03:00:00+00	user:1	custodian.added	\N	custodian user:8	d62387a191a6e90292c834659de8c12e72de2b62ba2366288e2cb471d18dd750
5	2026-10-05 02:00:00+00	public	case.filed	efe79fc9-283e-4425-9bda-3dc6d9bbef06		032f37468a22040e226a275e9d9ba67cd5ff93b78089daee9c79050ca689dcb1
6	2026-10-06 02:00:00+00	public	case.filed	46ea573a-d819-409a-96da-8716a29a1e9e		52317a60382dd8ed891defbd57ff48e5302a89464518a5c1309e213c40fe9e06
7	2026-10-07 02:00:00+00	public	case.filed	a799e663-25e7-4a99-bb71-2766f9191d60		292b4b273110e3daedc9f2463a1b8df710e98e05b0e47b13a7b080a7e9808236
8	2026-10-08 02:00:00+00	public	case.filed	56a2caa1-f6f6-4025-9c1b-37fd7ab84696		1261cd8ae73b64deb299848578b8565d1e46305a2097973508c98541294d53b9
9	2026-10-09 02:00:00+00	public	case.filed	91468cb6-3bd6-4333-8dee-da0627a923ad		4c1a630c74780311954d98aa246183b33e45939003d1c936a077cdc2b7c86c02
10	2026-10-10 02:00:00+00	public	case.filed	1b7b3e62-a43c-437e-bf7f-8d47ad13afca		0c10f5c4672f0b67fcf84233912ee2d83870422eac17beaec69f7b8af7d4f118
11	2026-10-11 02:00:00+00	public	case.filed	34aa7f0f-4b96-4db7-bd33-79bb1215e20e		7947e66ead6a1a4566000132c2f9fbff2d81e4b0227a1ec6c458d6b6d48a49c1
12	2026-10-12 02:00:00+00	public	case.filed	32abc10c-8da9-46ef-b446-f7ad1a5cc5fe		6e64acb05ebbb6a47e8169b3100d5a61a95193ba3cc86c32df9bf36eb44b5be0
13	2026-10-06 02:00:00+00	user:2	case.status_changed	efe79fc9-283e-4425-9bda-3dc6d9bbef06	received->assigned	4e35fa0e87cef7c4fa9bd5400c1a6472c3563c89642c60237277a1e75e68f0a5
14	2026-10-08 02:00:00+00	user:4	case.updated	efe79fc9-283e-4425-9bda-3dc6d9bbef06	update	080399ea77e8ec13b223794a58670acf72c456c255c16a44739e717df0d3ec9a
15	2026-10-13 02:00:00+00	user:4	case.status_changed	efe79fc9-283e-4425-9bda-3dc6d9bbef06	assigned->resolved	e7d2873bb7313d43f55322bebd7cd84f989f22d903c30e0676382482b778eb7d
16	2026-10-14 02:00:00+00	public	case.updated	efe79fc9-283e-4425-9bda-3dc6d9bbef06	survey	c20660be9751637dd0c135d63eb3b61755ae5758190238dc3b50880a42c2c784
17	2026-10-17 02:00:00+00	public	case.reopen_requested	efe79fc9-283e-4425-9bda-3dc6d9bbef06	files 0	38841b1c606e81302a2812a723c34552d5eda2ebc67708dcb7e965d8c3da1491
18	2026-10-07 02:00:00+00	user:2	case.status_changed	46ea573a-d819-409a-96da-8716a29a1e9e	received->assigned	93336ee3a7eb76cca8758b3521b8b5c6a490d74f88183f1553a7a8827df4c3c7
19	2026-10-10 02:00:00+00	user:4	case.status_changed	46ea573a-d819-409a-96da-8716a29a1e9e	interim	e83a3cd71f91b048f2e46fa01d25c69212cefe114faf41c75b6ff7392403ce22
20	2026-10-11 02:00:00+00	public	case.updated	46ea573a-d819-409a-96da-8716a29a1e9e	reply	45db7a010d4c6b1f34944f6bf3858e52d4fab619c4334f027b2380b94d1223b7
21	2026-10-15 02:00:00+00	user:4	case.status_changed	46ea573a-d819-409a-96da-8716a29a1e9e	assigned->resolved	932d32d70e2735748af86bb64d086789ba5ef140d1c323f5eed47351c39b61e1
22	2026-10-16 02:00:00+00	public	case.reopen_requested	46ea573a-d819-409a-96da-8716a29a1e9e	files 0	dc3048bd7c4e5d198455c7f83122a5091f3db98a6d461b8e6fc352a14202572e
23	2026-10-17 02:00:00+00	user:2	case.status_changed	46ea573a-d819-409a-96da-8716a29a1e9e	resolved->screening on request	ee356a87e8fd2c4081808b47e7b6ab99005e79cacb3dc216b76f128680dd887f
24	2026-10-08 02:00:00+00	user:2	case.status_changed	a799e663-25e7-4a99-bb71-2766f9191d60	received->rejected	fc8a4233b675c05b74b839e96dd328c7b00bc969ba9517b822cf78ed84246369
25	2026-10-09 02:00:00+00	user:2	case.status_changed	56a2caa1-f6f6-4025-9c1b-37fd7ab84696	received->assigned	aad67c43e22f9426b82c8cd436895943fa62434cff9ab817f98e819e561b6cdd
26	2026-10-11 02:00:00+00	user:3	case.noted	1b7b3e62-a43c-437e-bf7f-8d47ad13afca	note	e3984a60bb63841c4dfeeeba53ad0aa2901909426928777efa483a02f8e5df71
27	2026-10-11 03:00:00+00	user:3	case.status_changed	1b7b3e62-a43c-437e-bf7f-8d47ad13afca	received->assigned	031a386ccc1ee577021261e257aae9a3b03adc6c61a376c167cd84aae7638a13
28	2026-10-14 02:00:00+00	user:3	case.status_changed	32abc10c-8da9-46ef-b446-f7ad1a5cc5fe	received->referred	ea0531289bd47e251251a0521ba636497952f6666c14466c1b613e074f0179ec
29	2026-10-12 02:00:00+00	public	case.updated	1b7b3e62-a43c-437e-bf7f-8d47ad13afca	reply	75ba782cb14ae85084eeabdd14a7a11b8d12aa379fe8a0dc77ffc7acab97a194
30	2026-11-15 23:00:00+00	user:3	reveal.requested	34aa7f0f-4b96-4db7-bd33-79bb1215e20e	request 4938f902-d4bd-4ef6-8bd1-8880087af41e	c5ac6cfb4452707becf0f73533ec10614afb4d766d110cd0f469b32023db85b3
31	2026-11-16 03:00:00+00	user:1	reveal.approved	34aa7f0f-4b96-4db7-bd33-79bb1215e20e	request 4938f902-d4bd-4ef6-8bd1-8880087af41e; 7 days	7ce600c6ba1e33c276bec4c8e62f9cecb53cc22fde3fd1731c746253bcb24b06
32	2026-11-16 04:00:00+00	user:3	identity.viewed	34aa7f0f-4b96-4db7-bd33-79bb1215e20e	request 4938f902-d4bd-4ef6-8bd1-8880087af41e	c9784c3d232242b71a7c12444de522746986b3c614495842e16516c73a4d4978
33	2026-10-25 02:00:00+00	user:6	admin.holiday_added	\N	2026-12-30	80ec9d5d56b3f5affce34a7428e4891b28ae666df72aec8d72ce7a4dfb8a1e69
34	2026-11-19 02:00:00+00	user:5	report.narrative_saved	\N	2570-h1-complaint	2c511447817fd33718c2cd1c460a769f8a10a2d179f768966f49563a521a2b72
35	2026-12-07 05:08:38.786747+00	system	backup.created	\N	8 cases, 6 files	c40bed9f3d7e31882c278182f0a5fec5970569f1247fe5e903a67192e50598d1
\.


--
-- Data for Name: case_events; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.case_events (id, case_id, at, type, from_status, to_status, public, body_enc, actor_id) FROM stdin;
7c13f4fb-927d-46ad-bb3f-cf62a11fd224	efe79fc9-283e-4425-9bda-3dc6d9bbef06	2026-10-05 02:00:00+00	filed	\N	received	t	\N	\N
c0a63d5b-8e81-4cba-a9e8-af17a2a2035c	46ea573a-d819-409a-96da-8716a29a1e9e	2026-10-06 02:00:00+00	filed	\N	received	t	\N	\N
27c3eff6-5bb3-4b9b-a04d-90a8d288f431	a799e663-25e7-4a99-bb71-2766f9191d60	2026-10-07 02:00:00+00	filed	\N	received	t	\N	\N
98f0eb09-c1f9-483c-b498-7a3dd8b51861	56a2caa1-f6f6-4025-9c1b-37fd7ab84696	2026-10-08 02:00:00+00	filed	\N	received	t	\N	\N
d0a57cad-508b-491b-8816-b4a97c81543f	91468cb6-3bd6-4333-8dee-da0627a923ad	2026-10-09 02:00:00+00	filed	\N	received	t	\N	\N
0f1db2f4-e6ce-4442-bb21-4247cbceb8a7	1b7b3e62-a43c-437e-bf7f-8d47ad13afca	2026-10-10 02:00:00+00	filed	\N	received	t	\N	\N
c5fb7846-76f3-482d-971e-957a40b5a287	34aa7f0f-4b96-4db7-bd33-79bb1215e20e	2026-10-11 02:00:00+00	filed	\N	received	t	\N	\N
d1f07f9d-cce7-4149-ad34-89e6bb45caec	32abc10c-8da9-46ef-b446-f7ad1a5cc5fe	2026-10-12 02:00:00+00	filed	\N	received	t	\N	\N
67c7de52-8cd4-4634-ab3a-b42f13d666de	efe79fc9-283e-4425-9bda-3dc6d9bbef06	2026-10-06 02:00:00+00	status	received	assigned	t	\N	2
b87d785a-74ed-4ae3-b620-59718de3afef	efe79fc9-283e-4425-9bda-3dc6d9bbef06	2026-10-08 02:00:00+00	update	\N	\N	t	\\x01026331596c45ded2ba78b370b8b044248979eed55aa3737917767d52d982973d8e41769672a755ad2dc1804fe494b2ffd0c8915a71918bc48c97345a6e7660bcc47034dc8dcfce453fe0e4257e0ca3495b8e2c711815f4ff3edc63bb1b8c5bd6c40c0e2734c95e104bdec126c1	4
aa39fcbc-4d27-4700-9ee1-eb3653824e0d	efe79fc9-283e-4425-9bda-3dc6d9bbef06	2026-10-13 02:00:00+00	status	assigned	resolved	t	\\x01026331cbbd6fd3d2a2a6f63c7c9582b498465b9abec9927370bfdc8f6c108832001b48a99b0adf52f96023528a5cf0ee78e59bd822465b2981d33b15c13691f2250e0ee3da45721eebd314f56191819c1700	4
c3ec3bb9-af43-4d8c-8b1b-50e78627f60c	efe79fc9-283e-4425-9bda-3dc6d9bbef06	2026-10-17 02:00:00+00	reply	\N	\N	t	\\x01026331ee0c6a26f90e807db835b793e5dd4d1841e8924502f7f8ef21bc249d6e57838f216bfd5f918b264e814b3391f1ae1b741136ee63a519b938a45e514bfd1019f8	\N
400765dd-1401-4a15-89b5-ffeccbf3c939	46ea573a-d819-409a-96da-8716a29a1e9e	2026-10-07 02:00:00+00	status	received	assigned	t	\N	2
5e44c1ff-3949-458e-bc7e-b06a5b72c8d7	46ea573a-d819-409a-96da-8716a29a1e9e	2026-10-10 02:00:00+00	interim_notice	\N	\N	t	\\x01026331bde1ffffc1efa560e506c302f6dfc49fc8eccb36cfb11a63f617699b96691586620bf947861ee817a80197c0c0fa2e8f94730e77e4457138d43c0d56465fdd22a7a217f2ea361239430417fa34a20d6f88b2ffe8d16e0c90efbcf507d4cd7614f180c40ff593325325f648b70bac34d092e06a9ae65b12f5704cfbbe3cb79bfc698cffb6c2326a173efddb60d6651449414da09254e816fe8c500854449d7ea420fdd81ea28d2d272d81bd14f66bc59d7bdc8cd0b9ea0be6ca34a71249b49f530307946fbd0a1f92ef4f23589480e066d3cc8f50eccc6fb19bd84475bae4c82c838541affa8847b47b547d58e1026a47538d5119e291af4d34e717e12a5d77c0	4
7181c475-730f-48fa-9965-865dab64f3f4	46ea573a-d819-409a-96da-8716a29a1e9e	2026-10-11 02:00:00+00	reply	\N	\N	t	\\x010263319911c6cd47b77a7f42449fc4715d90007193909dec66d463f89e396c0d41300290ed9d9e4c450a942fd94447f3b7c9da2ec9fcc82022516b4bde65a05e7413eaa91fb60aa7bda760da4edfa6089a5e321c89	\N
abb2432d-c4d9-4f23-b98b-770698ee6351	46ea573a-d819-409a-96da-8716a29a1e9e	2026-10-15 02:00:00+00	status	assigned	resolved	t	\\x010263316ba176b35cb995d1702dfa4530f6a9894f7dbac42c3c0f8a5e954dcb12f20a297706ab401db557b1e6e23bf0ada56ee4a31faf49	4
68e9e111-92c8-44d7-b644-ba625d907789	46ea573a-d819-409a-96da-8716a29a1e9e	2026-10-16 02:00:00+00	reply	\N	\N	t	\\x01026331c84f110194a4e31a514cd84dab331c6fe9096b071f3f994024eaa422543534016398bf84b20348d1d0318387f9af57be36a5d32e4598d5ca4e7e5dae1497c5ad37315ae08cef4b5664b12637	\N
895f0dac-4c24-47ba-a9c0-f1e7ae4a68ac	46ea573a-d819-409a-96da-8716a29a1e9e	2026-10-17 02:00:00+00	status	resolved	screening	t	\\x0102633101837f5044da5e6dc050386b14bab55b2f3eac1555d52a1a2397e7193bd6a52b9042922db583b0508ad9683b4058b9c833a05d7374a7e41be74440ceba37b75980cf268f033499e11b09bce530dbf922679bd3d71940eccf6103451de0f6e19a3fff054b	2
ce478525-03e0-4b36-b235-9d1bb9c97270	46ea573a-d819-409a-96da-8716a29a1e9e	2026-10-17 02:00:00+00	note	\N	\N	f	\\x010263317a00371fea2e3182e13cf53500e223ef90ee9daeccbdff158f2bade72ab234fb053aefadfedd0a7dd2389bcda10f6c23ccf65923e6d9b4f297f3e3f035e8d4d3bd2caf417f3182458a89b4cf	2
9b5a98a6-61f7-4497-9c12-f3e7828a35e8	a799e663-25e7-4a99-bb71-2766f9191d60	2026-10-08 02:00:00+00	status	received	rejected	t	\\x010263317ef406495eda0b84d2cebaaa5132f55b7af086c7701ac1b9b732c908c8dd32e3c3ee4d859f127e26b0fbabe5fb94023d05501801a22c8642376a84df6caed0b93df7e5ed8fc0bcf27bbb6f0fdbe16ab6d936	2
9330ce6d-9b81-447e-988a-27de017e9b25	56a2caa1-f6f6-4025-9c1b-37fd7ab84696	2026-10-09 02:00:00+00	status	received	assigned	t	\N	2
f28484bd-3cb7-4ded-b05a-2aa8e940712d	1b7b3e62-a43c-437e-bf7f-8d47ad13afca	2026-10-11 02:00:00+00	note	\N	\N	f	\\x01026331c1cb9437a52ced373ecd02590e86643836404dc0e37a8bcbcda3fbfadbaaddf1abfa397bdf70de798079862d635744f4c7d375fd5f556e14a19fdd8bfdb8f67da0baf5	3
5408c6ed-1f2b-403a-8c11-72b745b52936	1b7b3e62-a43c-437e-bf7f-8d47ad13afca	2026-10-11 03:00:00+00	status	received	assigned	t	\N	3
3f9f5021-06f5-4927-8711-e98cdbe922a4	32abc10c-8da9-46ef-b446-f7ad1a5cc5fe	2026-10-14 02:00:00+00	status	received	referred	t	\N	3
2bda47fc-680a-4b6e-90e5-9cc32e959f09	1b7b3e62-a43c-437e-bf7f-8d47ad13afca	2026-10-12 02:00:00+00	reply	\N	\N	t	\\x010263311c783ceb7d822e102da4137e4e89db9d09427830d8361f83b43f20217b44e1a2fc4ebb228f118f17a5a9ce458fe94c43f0df1ac5f97804a1834a34051313de52fdce938d74614a8caa8a31eab586b600cc63	\N
\.


--
-- Data for Name: case_exclusions; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.case_exclusions (case_id, user_id, created_at, created_by_id) FROM stdin;
\.


--
-- Data for Name: case_tallies; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.case_tallies (kind, month, dimension, value, closed, on_time, cases, responses, satisfied) FROM stdin;
complaint	2026-10	channel	web	f	f	2	0	0
complaint	2026-10	outcome	open	f	f	2	0	0
complaint	2026-10	total		f	f	2	0	0
complaint	2026-10	category	0	t	f	0	0	0
complaint	2026-10	category	0	t	t	2	1	1
complaint	2026-10	channel	web	t	f	0	0	0
complaint	2026-10	channel	web	t	t	2	1	1
complaint	2026-10	department	0	t	f	0	0	0
complaint	2026-10	department	0	t	t	1	0	0
complaint	2026-10	outcome	rejected	t	f	0	0	0
complaint	2026-10	outcome	rejected	t	t	1	0	0
complaint	2026-10	total		t	f	0	0	0
complaint	2026-10	total		t	t	2	1	1
complaint	2026-10	department	0	f	f	1	0	0
complaint	2026-10	department	1	f	f	1	0	0
tip	2026-10	department	1	f	f	1	0	0
tip	2026-10	category	0	f	f	2	0	0
tip	2026-10	channel	web	f	f	2	0	0
tip	2026-10	department	0	f	f	1	0	0
tip	2026-10	outcome	open	f	f	2	0	0
complaint	2026-10	department	1	t	f	0	0	0
complaint	2026-10	outcome	resolved	t	f	0	0	0
tip	2026-10	total		f	f	2	0	0
tip	2026-10	category	0	t	f	0	0	0
tip	2026-10	category	0	t	t	1	0	0
tip	2026-10	channel	web	t	f	0	0	0
tip	2026-10	channel	web	t	t	1	0	0
tip	2026-10	department	0	t	f	0	0	0
tip	2026-10	department	0	t	t	1	0	0
tip	2026-10	outcome	referred	t	f	0	0	0
tip	2026-10	outcome	referred	t	t	1	0	0
tip	2026-10	total		t	f	0	0	0
tip	2026-10	total		t	t	1	0	0
complaint	2026-10	category	0	f	t	1	0	0
complaint	2026-10	channel	web	f	t	1	0	0
complaint	2026-10	department	1	f	t	1	0	0
complaint	2026-10	department	1	t	t	1	1	1
complaint	2026-10	outcome	open	f	t	1	0	0
complaint	2026-10	outcome	resolved	t	t	1	1	1
complaint	2026-10	total		f	t	1	0	0
complaint	2026-10	category	0	f	f	2	0	0
\.


--
-- Data for Name: cases; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.cases (id, kind, channel, status, reference, fiscal_year, sequence, tracking_digest, category_id, department_id, subject_enc, details_enc, location_enc, accused_enc, contact_enc, incident_date, anonymous, received_at, first_due_at, due_at, first_response_at, closed_at, created_at, updated_at, identity_sealed, identity_key_id, referred_to, referred_to_name, registered_by_id, notices_stopped, notice_address_enc, contents_purged_at, identity_purged_at, identity_added_at, primary_case_id, accused_role) FROM stdin;
91468cb6-3bd6-4333-8dee-da0627a923ad	complaint	web	received	รร-2570-00005	2570	5	099e1f6826f3599a5f57f0f389ab515a0b67b8d3233dd6f22a76a78ea149e381	\N	\N	\\x010263313e6269e348abdfb218980e1f1fa27a4ae4c7669cba25f9701f60a296dfe601ef8f61767e1321f87c0bf507dd846f3a69a4d2dcaf15c8a426899c1638d670a9a6	\\x01026331dd604a5d052dd29e241d254468efc11bbbb2ba9d10a9951af17fd5e0cc7838949066237fd931e010ef847e575ffa500efe33c7a86a68d2de70361216e1683c22f7fccf76fc2fa979f975952c7f1470a1b0fbd4ead79467e4a4e670543377a1eaee94e953e1d95c4fb99c12c1ef9bf3f5ac0d5e81561bbaef173aa8b4f3ce66	\N	\N	\\x01026331f532c5e727235cac3ad847105edf6b9712936d9ea6bb803a2dee60a578b7288d44a42cd5400129181e847c06afa12186cdc324f69209d9aa39261a29f1d64e292b96ea4e8f6fe0e68867efeaea91658ac3c3d7da154edb136f23c4	\N	f	2026-10-09 02:00:00+00	2026-10-26 16:59:59.999999+00	2026-10-26 16:59:59.999999+00	\N	\N	2026-12-07 05:08:34.526386+00	2026-12-07 05:08:34.526393+00	\N	\N	\N	\N	\N	f	\N	\N	\N	\N	\N	\N
34aa7f0f-4b96-4db7-bd33-79bb1215e20e	tip	web	received	ทจ-2570-00002	2570	2	42fe308abfa9cf1ad800eddd65caaf6060ce3f7dfd47c9e14af4424e4e9c8e33	\N	\N	\\x01026331593f99bc90ed421802dcf68e877784fefbd18efe6404dce1e059d6de1952e90f644de3eebe4d69a383495aa64dc244ff16b6b8847aacbe3f6f61137bd3e6c210619a8146ad30e703683dc301fb0e681f82d2a6726ec3d8612e1ab5	\\x010263312505b04ba6d4da954b95fdeb89801e89f659151aabdf2bb3fdde09702356546f435e5cc2cf80d796a9f744173b061d5b05ee1a9774919893f2605cb132f8173b08bcabe8663679f7e4557c0b25a28cb4ef1692984b25576b6d376947af6e847c973e8044fc5108d737ae49983bf73213343f3367ae3c425872e32b0c7eda39a85d924e76264053b94913da5f3639	\N	\N	\N	\N	f	2026-10-11 02:00:00+00	2026-10-26 16:59:59.999999+00	2026-10-26 16:59:59.999999+00	\N	\N	2026-12-07 05:08:34.705241+00	2026-12-07 05:08:34.705246+00	\\x011d18b55e23b69a191fb9917b3b49085f1c7331b6bfeca9c44dcd33567faaa7651c344e02743578bbeac1476a7d94ad9bc7da256526e93f6687c10cd6143583b9390509899b7ebe38b135dc9b9839845904c8120ce91f6108fad3a38c907e4eb5bf195649b69d220a1d8ed422322f97e83dedfe74f3d847f9b2d8a495edf5fabb6264f837656ff48fc19ea5a8c4f48456e167fa	1	\N	\N	\N	f	\N	\N	\N	\N	\N	\N
efe79fc9-283e-4425-9bda-3dc6d9bbef06	complaint	web	resolved	รร-2570-00001	2570	1	4998e07894e728e545839d41a8789b306e3675ad065ecae6b6fe988d8e634f91	\N	1	\\x01026331c9f3aa7923e4317e8d1d08dcbd4aa838e9e0596bb80cf976b44cfaf0da10077f67c26abc210975ea6eaa1317e9e57d4ede67306579efaa7e9306fa67cca2237c9b198448116a02aa67dded6c5ed9374c8973b77356e6d862	\\x010263319db767518e1b939ba9069e6987a18407b4e4e8831fef17a9c8f70de59c2c8ed131f54492db87563e559f4317aedcf417752c8ab091b3c241c9698e2b7f4f848e04a8c923747b9f6d5ea88049a832fbf5cd9ffe42998a1d049543181af032ed448339570e3bf49f8fb109498d8130a612ef159ed61532a71cf056cb92	\\x01026331cddaa267b2f223772f29b03d11ebabbfd1d35f4bd4f069ff974127b2aae65f2d22b2efca11fbaf8e6277	\N	\\x01026331dab438784d7a053d3ca484722f24c5ae9daadc1e674f826c29820312d616f5225f82e1598c916c0a9f6235114212b29107df3a5cb90cea00e046d264f1f22b9de1aed90f0a947dc733bc4f190c26838062f5ec4b1b2eef71be0a55400ece7c31f90b81df9c029e9d2f4a4ce7b03bdf181c3865727ef63acc845e9b	\N	f	2026-10-05 02:00:00+00	2026-10-20 16:59:59.999999+00	2026-10-20 16:59:59.999999+00	2026-10-13 02:00:00+00	2026-10-13 02:00:00+00	2026-12-07 05:08:34.240305+00	2026-12-07 05:08:35.183364+00	\N	\N	\N	\N	\N	f	\N	\N	\N	\N	\N	\N
56a2caa1-f6f6-4025-9c1b-37fd7ab84696	complaint	web	assigned	รร-2570-00004	2570	4	5ce6e6390448c90f8c781e40ecdd9e7244c3fb1751103378a8a0215c8c6f4a4b	\N	1	\\x010263313922337280570a275f64b1cbba9006cd271def67d7333cb3822da692ce1ee7da7880e327c53b5f8b2e530db4aa4f9bcc6478dba51a0909c611ecd788f633739e2e20d4	\\x010263312ec88b029adbc3e7c0aa8341f71d7909d43702d72c16e521e6f67ecea3889455a35453c5218d92a9613f09febc1de28af98100564fd9c228c8d0bba75042d19d6930ae731b64b71f22e198c6d9db07b5311fb4d26913b57832783cfab3141bda61402f74	\N	\N	\\x01026331c07b09a3752d5cc7c6e00a0447cf90fa393116b1a8263e2b12a5c2ce1d8fd754aa0c213d1beef82a953227119b5dcdc5942e8ab6e6a34ea71665e6c7b6d2dc18492cee4e0df00c9b57768ecea31ae344cc4e6a8db303c8f34ee05a	\N	f	2026-10-08 02:00:00+00	2026-10-26 16:59:59.999999+00	2026-10-26 16:59:59.999999+00	\N	\N	2026-12-07 05:08:34.469549+00	2026-12-07 05:08:36.58764+00	\N	\N	\N	\N	\N	f	\N	\N	\N	\N	\N	\N
46ea573a-d819-409a-96da-8716a29a1e9e	complaint	web	screening	รร-2570-00002	2570	2	9f399ed6f53cf14c98e11d7a2f3b50d4ff7e7d23e70330d13a30f0d1cbdc983f	\N	1	\\x01026331abf28090d7f8a3daefd7b9a63615c8ba6dc86f37ff86a08e5dfc066276fb7ad4d19b214f0dde64ad03714169163e469750cc00948f05ab3a9140135cf5c31887748bfc2f2397	\\x01026331be0f67224cbaa2b4bd7be210303dde952adca8c2bc4e2f0dd273c2dd9b2a571c8ed6a4d6cf4386c5b272af6fd9fea3a1ecfd7dadc503ecab6b881f3618c9f72a878eea660b6a3d12e797247e245d2f9910dbb263e1b161e7e6f73d6e4760c4f5cb9c3c291d68c59382ec952906d700d6ee75fb713cfb3ee1fa99db76f67dfa09af2acd2c9bc8dd4459365ce259aec680444669391acfb3ca359c88c8fccc3ee01f	\N	\N	\\x01026331d098f59cb46478967cd537b00e85cf5c6bad37c4216d193ad900e7c7f13e81a30ab58f3ae6849e3ba3cb8701a75ab182b0ebde04b612c75f29e012931635f9d7008f726c8f811e6f2981d919223e6afc7c7ec948e0a6de43c97bd5923ca1	\N	f	2026-10-06 02:00:00+00	2026-10-21 16:59:59.999999+00	2026-11-02 16:59:59.999999+00	2026-10-10 02:00:00+00	\N	2026-12-07 05:08:34.31501+00	2026-12-07 05:08:36.23604+00	\N	\N	\N	\N	\N	f	\N	\N	\N	\N	\N	\N
a799e663-25e7-4a99-bb71-2766f9191d60	complaint	web	rejected	รร-2570-00003	2570	3	c027c2625882415601243b96780cfb182b1a11c26b1d6c19702560ed7338748e	\N	\N	\\x0102633157f1c3c1e292b0e84637a4d9d3a4eaea5cd9653e23281bc92b8ec737e02aacdca03539ba5fdb2c78c9a46f0462325e064d21a380d6060f6573428584cc9cf0fd136036203d9c65d11372ceb2	\\x01026331f7226f1a2009a2585612bc5316df08d2cd1058ca5a237fbf4035fdb5d1e07436a05fb73a325dcf2050fc02829fa935c0cea03fe8fdf95f1c6e6d7ec9bcaeadce04f03bc1818caf180ce3d26c7ad54caf646fe7fdd3ca1f65a0a902479b6f7b91530ae7c0488f529510a5	\N	\N	\\x0102633127d98a3770328ccf6260799d15b9ea8dd8e7b41ea1857b980e2f285d02326a27ec47cdfe516a04aa7daaa5f41c351bdddb4845ccbe224c1fdad85ecaa7d631067e40280f1f031008ccf2299dc57a5b56fc87c4f87d26fd38	\N	f	2026-10-07 02:00:00+00	2026-10-22 16:59:59.999999+00	2026-10-22 16:59:59.999999+00	2026-10-08 02:00:00+00	2026-10-08 02:00:00+00	2026-12-07 05:08:34.4124+00	2026-12-07 05:08:36.43766+00	\N	\N	\N	\N	\N	f	\N	\N	\N	\N	\N	\N
1b7b3e62-a43c-437e-bf7f-8d47ad13afca	tip	web	assigned	ทจ-2570-00001	2570	1	774ace52454d408e8209fba1e43aff34dd911b49daecbd365048eabf7655bdbf	\N	1	\\x01026331a447589c22835f5646b11a460ddd82b883e6bc9d55b15d964d73d9b174e1297ae439bef13368ab17947f850f7efb2782f107ed228f3eeff33e129054ad1766801f63d437acb7e011771599f2e77e4fef1361122b718563f4280a63ff079601e75d1b5070b990b56879e3d2641151c67f	\\x010263316033b7a84c3c06a9ad6cbfc724a1098b6d417fc3ac277fb4e897fa7f6d89d3d6c6f98a241169811fd6d655d5344cbaa9505b8803969e129c3958df8155a452121c33318b71cf33a3f7fc5dab02c2d53c251bb9257ec3c2b2316ae36c96eb1174fe0032b0df629c1b1662	\N	\\x0102633168ff452e6fa8c97881aebf9258a83519c96c3eaf74d24764b5aa6a26edce08ffc28e28398a2e6ed9c225367478d00264f2a7bab5c96b37cb898047c967d8407b8ae505df909fa7e67648c94a7ece1fd28add	\N	\N	t	2026-10-10 02:00:00+00	2026-10-26 16:59:59.999999+00	2026-10-26 16:59:59.999999+00	\N	\N	2026-12-07 05:08:34.619028+00	2026-12-07 05:08:36.842815+00	\N	\N	\N	\N	\N	f	\N	\N	\N	\N	\N	\N
32abc10c-8da9-46ef-b446-f7ad1a5cc5fe	tip	web	referred	ทจ-2570-00003	2570	3	29c27e77987500c3ead87e724ba8522bdb78e8cd024120f572d9deed3515a561	\N	\N	\\x0102633178e8b7c0835c0a38b35315abf543421984a3a926218aff7d7be655e5614d9d750b4f1c78e823f5bca5ed51fd56e238a7efc26372157e7721b703d500d1d7bb0491eccad335094e7d657c5a62297ebf86c4d695c7c9eda8fb1b3bdfd4def690350c904f5e	\\x01026331fd1608f2b6836f9df3196a3ba7c92c694197cbdd4fe6763b85a20220753b739565d7cfc5dd64d0efbfc94926311f0e08a492f4c3c12e00b7dda3cd9733495284bcd6452c09129a0f3d25e21c7e10af909a784bf8babecd4c5206b47597d1636c08b8ce45b8726a42ba94911530c7521e8de0bfef1c1e7841ca317ee473b0b8aa166bc7fdf67ee189a23403eff7a9aa91a9f278bb	\N	\N	\N	\N	t	2026-10-12 02:00:00+00	2026-10-27 16:59:59.999999+00	2026-10-27 16:59:59.999999+00	2026-10-14 02:00:00+00	2026-10-14 02:00:00+00	2026-12-07 05:08:34.783121+00	2026-12-07 05:08:37.052063+00	\N	\N	nacc	\N	\N	f	\N	\N	\N	\N	\N	\N
\.


--
-- Data for Name: categories; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.categories (id, kind, name_th, name_en, department_id, "position", active) FROM stdin;
1	complaint	ถนน ทางเท้า สะพาน	Roads, footpaths and bridges	3	0	t
2	complaint	ไฟฟ้าส่องสว่าง	Street lighting	3	1	t
3	complaint	น้ำประปา ระบบระบายน้ำ	Water supply and drainage	3	2	t
4	complaint	ขยะ สิ่งปฏิกูล	Waste and refuse	4	3	t
5	complaint	เหตุเดือดร้อนรำคาญ กลิ่น เสียง	Nuisance: smell, noise	4	4	t
6	complaint	การให้บริการของเจ้าหน้าที่	Service by staff	1	5	t
7	complaint	ภาษีและค่าธรรมเนียม	Taxes and fees	2	6	t
8	complaint	อื่น ๆ	Other	1	7	t
9	tip	การจัดซื้อจัดจ้าง	Procurement	\N	8	t
10	tip	การเรียกรับเงินหรือผลประโยชน์	Bribery or demanding benefits	\N	9	t
11	tip	การใช้ตำแหน่งหน้าที่โดยมิชอบ	Abuse of position	\N	10	t
12	tip	การใช้ทรัพย์สินของราชการเพื่อประโยชน์ส่วนตน	Private use of public property	\N	11	t
13	tip	การประพฤติมิชอบอื่น ๆ	Other misconduct	\N	12	t
\.


--
-- Data for Name: custodian_keys; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.custodian_keys (user_id, public_key, private_wrapped, created_at, passphrase_failures, passphrase_lockouts, passphrase_locked_until) FROM stdin;
1	\\xc0252e83b738249905cc3121ce422e81aeab2ec954b7353c62d9dc60eb7c8647	\\x010e08014f7c7f0fab3714c4029ce4615ff91485c1be4373e4b5297c60cc26c49d1d46f138ba6ea6a76403caefa1ab47452b23501b8066778a32c87d3213dd1035486647d8fbed028c6c5550ef04d33a	2026-12-07 05:08:32.806557+00	0	0	\N
8	\\xd69ec13a7b5d7a86090bfe238ab3d04643bef1c48307846419b33ffd029b9820	\\x010e08014ad3e0be49d3b6ddfdd75f676f029ea5444e092afa9b617083e59e515add8f887145e71ef453db68e789f5fafa897266ba089b28cc8f1b6cbbec6a3ac6334146733ec00f17b26a3e59fd8a82	2026-12-07 05:08:33.918197+00	0	0	\N
\.


--
-- Data for Name: departments; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.departments (id, name_th, name_en, active) FROM stdin;
1	สำนักปลัด	Office of the Permanent Secretary	t
2	กองคลัง	Finance Division	t
3	กองช่าง	Public Works Division	t
4	กองสาธารณสุขและสิ่งแวดล้อม	Public Health and Environment Division	t
5	กองการศึกษา ศาสนาและวัฒนธรรม	Education, Religion and Culture Division	t
\.


--
-- Data for Name: ended_public_tokens; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.ended_public_tokens (digest, expires_at) FROM stdin;
\.


--
-- Data for Name: extra_holidays; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.extra_holidays (day, name) FROM stdin;
2026-12-30	วันหยุดพิเศษของท้องถิ่น
\.


--
-- Data for Name: identity_key_grants; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.identity_key_grants (identity_key_id, user_id, private_sealed, created_at) FROM stdin;
1	1	\\x01cf5c4a88dd69320677a5070072312b8eec67a30a5a2b9bc6353694f4a6cab70fda3e4b08555411017c80a98157a95a180c640f999a8ca6add683301bf63c78fda0f573ae75333672108e4c5a6ba7e96c0992cdc1b611229d4bdb0967	2026-12-07 05:08:32.858675+00
1	8	\\x015d0e537925bffd4a2ceffae098ff23ce51bbdc631f75a2e0cb1ba13247c37b3bd686684093387b25eed633ec9ba8967e9ab5f5c43855ff02542e6e11e5ad6f6220299906823a9d1b6979b1628725d2c20fbd4bbc3c12ddd69e1f42db	2026-12-07 05:08:34.122788+00
\.


--
-- Data for Name: identity_keys; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.identity_keys (id, public_key, created_at, retired_at) FROM stdin;
1	\\x84aa3687a8630d445045f5e705f3172c74e0eef8d07f96111f3e6d447a737c2d	2026-12-07 05:08:32.552227+00	\N
\.


--
-- Data for Name: notifications; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.notifications (id, user_id, kind, case_id, reveal_request_id, created_at, read_at) FROM stdin;
1	4	case.assigned	efe79fc9-283e-4425-9bda-3dc6d9bbef06	\N	2026-10-06 02:00:00+00	\N
2	2	case.reopen_request	efe79fc9-283e-4425-9bda-3dc6d9bbef06	\N	2026-10-17 02:00:00+00	\N
3	4	case.assigned	46ea573a-d819-409a-96da-8716a29a1e9e	\N	2026-10-07 02:00:00+00	\N
4	4	case.reply	46ea573a-d819-409a-96da-8716a29a1e9e	\N	2026-10-11 02:00:00+00	\N
5	2	case.reopen_request	46ea573a-d819-409a-96da-8716a29a1e9e	\N	2026-10-16 02:00:00+00	\N
6	4	case.assigned	56a2caa1-f6f6-4025-9c1b-37fd7ab84696	\N	2026-10-09 02:00:00+00	\N
7	3	case.reply	1b7b3e62-a43c-437e-bf7f-8d47ad13afca	\N	2026-10-12 02:00:00+00	\N
8	1	reveal.requested	34aa7f0f-4b96-4db7-bd33-79bb1215e20e	4938f902-d4bd-4ef6-8bd1-8880087af41e	2026-11-15 23:00:00+00	\N
9	8	reveal.requested	34aa7f0f-4b96-4db7-bd33-79bb1215e20e	4938f902-d4bd-4ef6-8bd1-8880087af41e	2026-11-15 23:00:00+00	\N
10	3	reveal.approved	34aa7f0f-4b96-4db7-bd33-79bb1215e20e	4938f902-d4bd-4ef6-8bd1-8880087af41e	2026-11-16 03:00:00+00	\N
\.


--
-- Data for Name: organisation; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.organisation (id, name_th, name_en, unit_name_th, unit_name_en, address, phone, email, office_hours, office_hours_en, deadline_mode, response_days, max_attachments, max_attachment_mb, strip_image_metadata, reveal_days, tell_tipster_of_reveal, due_soon_days, officer_title_th, officer_title_en, tip_unit_name_th, tip_unit_name_en, hotline, line_id, facebook_url, centre_location_th, centre_location_en, address_en, guide_published_on, complaint_contents_years, complaint_identity_years, tip_contents_years, tip_identity_years, tip_phone, tip_email, tip_location_th, tip_location_en, tip_guide_published_on, pdf_thai_digits, reopen_days) FROM stdin;
1	องค์การบริหารส่วนตำบลตัวอย่าง	Example Subdistrict Administrative Organization	ศูนย์รับเรื่องร้องเรียน/ร้องทุกข์ สำนักปลัด	Complaint Centre, Office of the Permanent Secretary				วันจันทร์–ศุกร์ 08:30–16:30 น.	Monday–Friday 08:30–16:30	calendar	15	5	10	t	7	t	3	นิติกรชำนาญการ	Legal Officer	ฝ่ายนิติการ สำนักปลัด	Legal Affairs Section, Office of the Permanent Secretary	0 4300 0000	@example-sao		ชั้น 1 อาคารสำนักงาน องค์การบริหารส่วนตำบลตัวอย่าง (ห้องประชาสัมพันธ์)	Ground floor, Example SAO office building (public relations desk)		\N	10	10	10	10					\N	f	30
\.


--
-- Data for Name: outbox; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.outbox (id, kind, recipient_enc, subject_enc, body_enc, created_at, sent_at, attempts, next_attempt_at, failed_at, last_code) FROM stdin;
745a9676-9c4a-4b4d-ac6d-7f6e54ac64f1	complainant.update	\\x01026331a027b451afcfaf840487c6545baca55e9bfa4bb8748d61e0e32ad079a51befceba9664c87c7c85b90393652e0d058f	\\x01026331b93d48835add3b569ed4646a81d05f32216c45b62916550db1e3e5d8aafd544c4b521c60f671b21bf141c1973aea64a0d19e97205caf21a83afaaa26035414c6dd17d4f8686593287124d3453af3ff7df025a54678cd5acc62b290459638bed4dc6dcf6c2a986a7039c63d24b8d2b211c6a3ed7b1c6a5d6d2f3761e3307537	\\x01026331d5fdf74349809acdf2a4472b660125a47e6f9c8f5bc39ced43a9d6fdfd450a1f84c65fe6dad67fdd26250f6aee22c6a4ee5cc7f88ffd22eae633e37933955c22718c798a4bcb3d9474807fc57ba07ce2f7778b584dcbf67fad136ca4a5aa6970b2246db4c2c0f230b25bf9e939ea72c5b3a4a307992779fe98b9317f1aebda2b135adf1fd77e3f2dd42a37d1723bf2070816682dbff732411eec32f50d52a36fcadfe8e6cc899a9978c016cb5d2e93662b30223d0adc9ecc5fd26cbd4eedcb689c7b9b6b556100ba986fdb90d89150b294dc447fdda732ccbe99416f0154abb7c5933ac0c4b47735ba833fbaa2b9d63ed138c4cde6040aa794b9cba030e41db67286cdc21fa08e0aa15b678aa19f41f1097310002d92bfe557ee8f137c58cca3a9a5cff370b7d147a85b4715bf6451d456182e893126cd0bb3f1cc9c7fbae5c3701a834f7b37b0f72e9108cc93cac7163712004d292e1bf09b810569a131f87d1ca6b119909165b37ece2071a645a82012fe91a929dadba6d7050d4c7bb2a3407d092640ce9344fa704e64f2d5e9d16a813b09a9c07ecae0b3b3e870f875d9cff6b525af57d67c58b390db658bc6336ddf8bd8b8f7c051ce0748cd590ab18fdb6d0a5717a70d394fa08ef1528c2e3c262bfbdc7f07eeb17af98164bce73dd919	2026-10-06 02:00:00+00	\N	0	\N	\N	\N
801ad082-3f3c-41c1-b846-2075f21c3629	complainant.update	\\x01026331bedcb671aab37ab6d6c89c6f57a2fd896968a3d61facff77f394596cd940844f82f0d566787c8b3f8e4b3f0f9961cc	\\x01026331e43ad7ccadd0b3eb035ed178c8b22571407a525a018c86f892c5cee214523b37d8c2f45f12ce22e654f12df9a596573fccb4484424a036c3a8df1d55a3c1674aed54839f2b44bf2bc1ea8b9b9e973916891c094cdaef4649734b8ea15fd6ca2680b2eae6d21d1bf198e28afc34d19a690c3879269df803676232d385db0b50	\\x01026331424999e2eecfeab0f6376e1aeaf8b1675ebace143309fc1223575d6a312fa3c6d98d6b91fd1547b2aab9ccb902764c6b8a143beb0e5968da2993c8f0d11dfe81b872b5312296117d888707328ca3962ae9cc4bf9561554ffda3dd886f42204c15e9ebdb9f989997c501a8a727db035f6c08852f2f8738efcd5a29e43819b2dc341bffc42b1acc79a8e766861be2b16853c56234d17b5ec8c1b8e0f375aae0c2a6022acf02ff39f3d75bda24a34cae45ba86ba74e26ab08bd25e30a8957f821ddcd4cab048c14511452817bbdc269db742ac4cb6e7eb7cc445f2478d2ad05008cf1e8d840b31dd8aba6b8aa8f53db5593d73da292f884e890e3bb26e90a418e9f51020043104376c8252791fccb84afbc9d64a93d4b74e0d93d7c80835386b6f1931928f6ac418b95f766f2a09d5566c4480487ca311b2b11af24791c4c6aba0ea27488e7a75b429c3f732b3fbe684dabc51bf833105e8bfbf78c282eed494a87a316490b3a97f75fa4bf0d36e70ea69f5653c2d92829114f52106392dab009168b201e485dd430bfea035a2498a27ae8867acc61e914eeea3689483e46312179c6ad9d7ca951e48d0e986f3ba535cab4b82ec22cb55bc0ed449c9e66f2043df1929d99274724f9fef482ccf79ac22667fc686a00c38805d0e68928c70a3f9754	2026-10-08 02:00:00+00	\N	0	\N	\N	\N
656063a1-7aa2-4af2-9894-276db51ba55f	complainant.update	\\x010263317d3aa3743288416e9b50d5b9ae974cf4521802840ea95ab63744e9a9789799b7486d8ab6d290449bf4bb4a0ab0af35	\\x010263318424d7fad78e77e12accc9bb119fb6ad2a3776ae29e595a2c1d1229e1ed4d3afe6056490afd45eabc180d5dfee3484a5ab4611f95ebf45829834867ad05cf4e2091dd1297bae3174fd6e55417196c5e13ce5077ecebeb46dc005cb8850618362db65f73609830cae26e2b9f8fc1fb75294f47be4fceef89ad02617a8af8ade	\\x01026331006753a63a55ac951bac1c3bef787acab7fd803fd72b1b4e2c73da5b309bb6c4ad41f60c89877804ce32c01cf7cb22ca1d29af95dfb7c5066b701e3088b82f49f0575651f1798e2906722e061f9ad7a0d7fc60944ed5db89520e02dfe76489e19dfc2c4a8047ee1ab1ca34a377f96de1bc32e87552202ba7a4d050f39825c875519ed882801a1a7af3e74dd73ca4d46aadf730deb7a473acf3ab2744d0dd98ae2774830cda4866f8e450e577d178f121b489855d9a5ac6d02e39cbb5b9b20af9f81c3781ef4fc3c821fc9831825a8b5c38149315c68fc973cffae9a50def29215ec3a8a1721dee0ed1154cf010b9bd45a7b74df6ac108de660bbd227e9870c7de125b738d7941738522ec34c08a07fabb2ca516d7d211f6aee2bf000fe0c97b72c477bb7f978adaa2493a2260152843e58c5a7fe074a25d50bb6d0a82d7d673895c5f2c3e409acea443db88c6899a5303935711b77e852531be94a30cfdea08a8f3cee002c5125197b2eb04fbbf826e37ff163617046dc501dd514c6f3af66d7a78ec56d549dffd1b2405d8acb524010e8a9e98441d53c45910059103bd48c90b54b3261f1d3320fbc95c1b2dbe0eb54a029db53735abebf6257e22bf0b7a1b0fb62a2bd4c51d7975a7ca685149f571dee48bf6449c8decded237a57fbb94b9a	2026-10-13 02:00:00+00	\N	0	\N	\N	\N
\.


--
-- Data for Name: personal_keys; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.personal_keys (user_id, public_key, private_wrapped, created_at) FROM stdin;
3	\\x94862001b2b4df0d05fcfbd70bf8bdac671c80f1ada017a0bea67c555e22bf57	\\x010e08013285b932ca0bdd385c14a7216161fcc849bad6b145871398138a2db011c6699997428ebc7263f5fa134c06a243135af3d1cfafa1f339af2f51e8759d9fd029eea662243ba60dc26077cae530	2026-12-07 05:08:33.645361+00
\.


--
-- Data for Name: reference_counters; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.reference_counters (kind, fiscal_year, last_number) FROM stdin;
complaint	2570	5
tip	2570	3
\.


--
-- Data for Name: reminders_sent; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.reminders_sent (user_id, kind, day, cases, created_at) FROM stdin;
\.


--
-- Data for Name: reopen_requests; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.reopen_requests (id, case_id, event_id, requested_at, outcome, decided_at, decided_by_id, answer_event_id) FROM stdin;
d9a6e683-fa15-46e5-ac18-b45f50e02c94	efe79fc9-283e-4425-9bda-3dc6d9bbef06	c3ec3bb9-af43-4d8c-8b1b-50e78627f60c	2026-10-17 02:00:00+00	pending	\N	\N	\N
cf32bac7-b248-4e3c-91f3-3c83acd2ce36	46ea573a-d819-409a-96da-8716a29a1e9e	68e9e111-92c8-44d7-b644-ba625d907789	2026-10-16 02:00:00+00	reopened	2026-10-17 02:00:00+00	2	895f0dac-4c24-47ba-a9c0-f1e7ae4a68ac
\.


--
-- Data for Name: report_narratives; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.report_narratives (id, kind, fiscal_year, half, problems, remedies, recommendations, prepared_name, prepared_position, prepared_on, reviewed_name, reviewed_position, reviewed_on, approved_name, approved_position, approved_on, updated_at, updated_by_id) FROM stdin;
1	complaint	2570	1	เรื่องไฟฟ้าสาธารณะมาก	ตรวจไฟทุกเดือน		ผู้จัดทำ		2026-11-20			\N			\N	2026-12-07 05:08:38.405261+00	5
\.


--
-- Data for Name: reveal_requests; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.reveal_requests (id, case_id, requester_id, reason_enc, status, requested_at, decided_by_id, decided_at, decision_reason_enc, approved_at, expires_at, revealed_sealed) FROM stdin;
4938f902-d4bd-4ef6-8bd1-8880087af41e	34aa7f0f-4b96-4db7-bd33-79bb1215e20e	3	\\x010263319722542212532fb811b3d1f815ee1363222ee8d4e311d12bfbb0434fd62e533a707686d1177571390846ca920e95f2d891f9d1fe3108aca844683740bcacf1273127ed7f2c6404730e7647382cbb0ee5b784c494c772fd1bb93f38dbf3975488114063f501e1bf401e9ba6169ba6c41c8b9f1322c4134d5f602c98c6bf1ac2a521a711dd5f58412ef414f5930b0a8af000de97c9d9e15565f69f0be6725e2498c6191e25b5f30914c6bac0f45fdbd16eb91d5edf199b088e17756d2bbb872f150d6b6e34acfb21b27b0d957c270bf46fc01772d3d5c140a98a7464c50d337021f7fa79a511208d4c5ca1f9ebb9e6cbe8	approved	2026-11-15 23:00:00+00	1	2026-11-16 03:00:00+00	\N	2026-11-16 03:00:00+00	2026-11-23 03:00:00+00	\\x0125d0864f27f2dc8c7131d767c7c8f70c21ac448c7649b0e6e38d8ea636ee721f0937ee832e3ad2b7a0f1fcafdefa600ae063fce8d245b7062bface35c8885b665c09130f6924427bce8ca124021c9b6aeb84cdc35db24a4cc098ccada025b4e46e2c1ebc59d68cd838447dbf07a77559877067012ca999447c3d37c4718e07326ea99781d03256e1b10ae8b79f662fd672c2c3
\.


--
-- Data for Name: satisfaction; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.satisfaction (case_id, speed, fairness, clarity, overall, comment_enc, created_at) FROM stdin;
efe79fc9-283e-4425-9bda-3dc6d9bbef06	5	4	5	5	\\x010263312c5154bc7e2b6a13887de9f1d3e66e45cb74c95a65d6d3d6fb8318d097d17c92ce8c2706cce30deca84b19b9b29e45732b2783734a25bc909aa7dfa58c0190de23a744	2026-10-14 02:00:00+00
\.


--
-- Data for Name: sign_in_failures; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.sign_in_failures (user_id, client, failures, window_started_at, locked_until, trusted_until) FROM stdin;
\.


--
-- Data for Name: staff_sessions; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.staff_sessions (id, digest, user_id, created_at, last_seen_at, ended_at) FROM stdin;
\.


--
-- Data for Name: users; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.users (id, username, display_name, password_hash, role, department_id, totp_secret_enc, active, created_at, totp_confirmed, totp_last_step, session_version, last_login_at, email, is_lead, enrolment_digest, enrolment_expires_at, excluded_from_executive_tips) FROM stdin;
1	custodian	ผู้ดูแลข้อมูลตัวตน	!	custodian	\N	\N	t	2026-12-07 05:08:32.536602+00	f	\N	2	\N		f	cece8741738969e06d65acad99ce31094950cf0c5aa9eb9261a6fc0a5ed6fe3d	2026-12-10 05:08:32.924725+00	f
2	intake1	intake1 (ทดสอบ)	pbkdf2:sha256:1000$ad70LEhbj5boOTUO$7dcd5e499b6590710644e7797f0a807f5acc965363e3d5063d01652ab8b81053	intake	\N	\\x0102633128ba7c62b4006f55ab33450aa81eeb3ae566ea5e8854fcff014027a0c667503a3b88ae92262a8efb09d6ee644a625a6520ecf91f25dc343aea8d7d92	t	2026-12-07 05:08:33.223223+00	f	\N	1	\N	intake1@example.org	f	\N	\N	f
4	dept1	dept1 (ทดสอบ)	pbkdf2:sha256:1000$uDErjGlOtkanEgEB$f1c44cf8befdce349ae134b41eefc5092b7b6038210713755574db0ec1d0c1e0	department	1	\\x010263318968d073aa212c5498fbf999ff6238a0c363d60f5ef361c3ccd39fec05791097df8826b7ec3d4efe660225faf85e89564814a50e3bda33653032d3fa	t	2026-12-07 05:08:33.318943+00	f	\N	1	\N	dept1@example.org	f	\N	\N	f
5	exec1	exec1 (ทดสอบ)	pbkdf2:sha256:1000$P4CoEvJNYxQiXJpp$af32e376c84da726f0efa53f41d37dc23b53e37d5e0892347cef05e990d7c2a9	executive	\N	\\x01026331a23137b328b6589617a29b9ca61623003c237661c3912542c6c556954df44a63166a766861bb8285d26b06654ebc51ef4a30271da68254863310bed1	t	2026-12-07 05:08:33.355115+00	f	\N	1	\N		f	\N	\N	f
6	admin1	admin1 (ทดสอบ)	pbkdf2:sha256:1000$slFCz8cZglWrdiy5$c71efefb8b651bc0c9ac2afa87ea9448d9cf45314f8d936aef9d0358f86dd469	admin	\N	\\x010263316334c8233485f5c375086a53654975de544e5ed4a015a5ba357e0ffeb9b5f2fbd192b812e621e62089dcd9297a85c0ca7670d77bad2bec29573595cc	t	2026-12-07 05:08:33.388122+00	f	\N	1	\N		f	\N	\N	f
7	auditor1	auditor1 (ทดสอบ)	pbkdf2:sha256:1000$almFa6Ft6bINXNOu$d3df9a89562577a10d63baceb04179bcf4df266d34e7ff12c9709367dfae7fd9	auditor	\N	\\x0102633171c8fd6a0ac75e5f4105719ab38d5915e569a324376037a8fe92901864bf00a6ead82f9acb0ac5695c438e85f58826c4d94614d7e3d3856aad76b820	t	2026-12-07 05:08:33.418279+00	f	\N	1	\N		f	\N	\N	f
3	legal1	legal1 (ทดสอบ)	pbkdf2:sha256:1000$V3fWmHOP7HkKlTSf$66a8d7c48cb0ad0c9014e096de0574f6a1b6f8d403aa680769c7064a1b7a8b1f	legal	\N	\\x01026331a2e453d548323f51f3d050210250a5185f079b84dbd39a9b58e43b8d16a17328c5cad22f45da509883440dfdccf5011eca66916ad8549f24361e3e6b	t	2026-12-07 05:08:33.279562+00	f	\N	1	\N	legal1@example.org	t	\N	\N	f
8	custodian2	ผู้ดูแลคนที่สอง	!	custodian	\N	\N	t	2026-12-07 05:08:33.69041+00	f	\N	1	\N		f	\N	\N	f
\.


--
-- Name: categories_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.categories_id_seq', 13, true);


--
-- Name: departments_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.departments_id_seq', 5, true);


--
-- Name: identity_keys_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.identity_keys_id_seq', 1, true);


--
-- Name: notifications_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.notifications_id_seq', 10, true);


--
-- Name: organisation_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.organisation_id_seq', 1, true);


--
-- Name: report_narratives_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.report_narratives_id_seq', 1, true);


--
-- Name: staff_sessions_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.staff_sessions_id_seq', 1, false);


--
-- Name: users_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.users_id_seq', 8, true);


--
-- Name: alembic_version alembic_version_pkc; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.alembic_version
    ADD CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num);


--
-- Name: attachments pk_attachments; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.attachments
    ADD CONSTRAINT pk_attachments PRIMARY KEY (id);


--
-- Name: audit_head pk_audit_head; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit_head
    ADD CONSTRAINT pk_audit_head PRIMARY KEY (id);


--
-- Name: audit_log pk_audit_log; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit_log
    ADD CONSTRAINT pk_audit_log PRIMARY KEY (id);


--
-- Name: case_events pk_case_events; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.case_events
    ADD CONSTRAINT pk_case_events PRIMARY KEY (id);


--
-- Name: case_exclusions pk_case_exclusions; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.case_exclusions
    ADD CONSTRAINT pk_case_exclusions PRIMARY KEY (case_id, user_id);


--
-- Name: case_tallies pk_case_tallies; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.case_tallies
    ADD CONSTRAINT pk_case_tallies PRIMARY KEY (kind, month, dimension, value, closed, on_time);


--
-- Name: cases pk_cases; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.cases
    ADD CONSTRAINT pk_cases PRIMARY KEY (id);


--
-- Name: categories pk_categories; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.categories
    ADD CONSTRAINT pk_categories PRIMARY KEY (id);


--
-- Name: custodian_keys pk_custodian_keys; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.custodian_keys
    ADD CONSTRAINT pk_custodian_keys PRIMARY KEY (user_id);


--
-- Name: departments pk_departments; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.departments
    ADD CONSTRAINT pk_departments PRIMARY KEY (id);


--
-- Name: ended_public_tokens pk_ended_public_tokens; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ended_public_tokens
    ADD CONSTRAINT pk_ended_public_tokens PRIMARY KEY (digest);


--
-- Name: extra_holidays pk_extra_holidays; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.extra_holidays
    ADD CONSTRAINT pk_extra_holidays PRIMARY KEY (day);


--
-- Name: identity_key_grants pk_identity_key_grants; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.identity_key_grants
    ADD CONSTRAINT pk_identity_key_grants PRIMARY KEY (identity_key_id, user_id);


--
-- Name: identity_keys pk_identity_keys; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.identity_keys
    ADD CONSTRAINT pk_identity_keys PRIMARY KEY (id);


--
-- Name: notifications pk_notifications; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.notifications
    ADD CONSTRAINT pk_notifications PRIMARY KEY (id);


--
-- Name: organisation pk_organisation; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.organisation
    ADD CONSTRAINT pk_organisation PRIMARY KEY (id);


--
-- Name: outbox pk_outbox; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.outbox
    ADD CONSTRAINT pk_outbox PRIMARY KEY (id);


--
-- Name: personal_keys pk_personal_keys; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.personal_keys
    ADD CONSTRAINT pk_personal_keys PRIMARY KEY (user_id);


--
-- Name: reference_counters pk_reference_counters; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.reference_counters
    ADD CONSTRAINT pk_reference_counters PRIMARY KEY (kind, fiscal_year);


--
-- Name: reminders_sent pk_reminders_sent; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.reminders_sent
    ADD CONSTRAINT pk_reminders_sent PRIMARY KEY (user_id, kind, day);


--
-- Name: reopen_requests pk_reopen_requests; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.reopen_requests
    ADD CONSTRAINT pk_reopen_requests PRIMARY KEY (id);


--
-- Name: report_narratives pk_report_narratives; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.report_narratives
    ADD CONSTRAINT pk_report_narratives PRIMARY KEY (id);


--
-- Name: reveal_requests pk_reveal_requests; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.reveal_requests
    ADD CONSTRAINT pk_reveal_requests PRIMARY KEY (id);


--
-- Name: satisfaction pk_satisfaction; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.satisfaction
    ADD CONSTRAINT pk_satisfaction PRIMARY KEY (case_id);


--
-- Name: sign_in_failures pk_sign_in_failures; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sign_in_failures
    ADD CONSTRAINT pk_sign_in_failures PRIMARY KEY (user_id, client);


--
-- Name: staff_sessions pk_staff_sessions; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.staff_sessions
    ADD CONSTRAINT pk_staff_sessions PRIMARY KEY (id);


--
-- Name: users pk_users; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.users
    ADD CONSTRAINT pk_users PRIMARY KEY (id);


--
-- Name: attachments uq_attachments_stored_name; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.attachments
    ADD CONSTRAINT uq_attachments_stored_name UNIQUE (stored_name);


--
-- Name: cases uq_cases_reference; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.cases
    ADD CONSTRAINT uq_cases_reference UNIQUE (reference);


--
-- Name: cases uq_cases_tracking_digest; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.cases
    ADD CONSTRAINT uq_cases_tracking_digest UNIQUE (tracking_digest);


--
-- Name: categories uq_categories_kind_name_th; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.categories
    ADD CONSTRAINT uq_categories_kind_name_th UNIQUE (kind, name_th);


--
-- Name: departments uq_departments_name_th; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.departments
    ADD CONSTRAINT uq_departments_name_th UNIQUE (name_th);


--
-- Name: report_narratives uq_report_narratives_kind_fiscal_year_half; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.report_narratives
    ADD CONSTRAINT uq_report_narratives_kind_fiscal_year_half UNIQUE (kind, fiscal_year, half);


--
-- Name: staff_sessions uq_staff_sessions_digest; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.staff_sessions
    ADD CONSTRAINT uq_staff_sessions_digest UNIQUE (digest);


--
-- Name: users uq_users_username; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.users
    ADD CONSTRAINT uq_users_username UNIQUE (username);


--
-- Name: ix_attachments_case_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_attachments_case_id ON public.attachments USING btree (case_id);


--
-- Name: ix_audit_log_case_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_audit_log_case_id ON public.audit_log USING btree (case_id);


--
-- Name: ix_case_events_case_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_case_events_case_id ON public.case_events USING btree (case_id);


--
-- Name: ix_case_exclusions_user_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_case_exclusions_user_id ON public.case_exclusions USING btree (user_id);


--
-- Name: ix_cases_category_received; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_cases_category_received ON public.cases USING btree (category_id, received_at);


--
-- Name: ix_cases_department_due; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_cases_department_due ON public.cases USING btree (department_id, due_at);


--
-- Name: ix_cases_due_order; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_cases_due_order ON public.cases USING btree (due_at, received_at, id);


--
-- Name: ix_cases_kind_received_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_cases_kind_received_at ON public.cases USING btree (kind, received_at);


--
-- Name: ix_cases_open_due_order; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_cases_open_due_order ON public.cases USING btree (due_at, received_at, id) WHERE ((status)::text = ANY ((ARRAY['received'::character varying, 'screening'::character varying, 'assigned'::character varying, 'in_progress'::character varying])::text[]));


--
-- Name: ix_cases_primary_case_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_cases_primary_case_id ON public.cases USING btree (primary_case_id);


--
-- Name: ix_cases_received_order; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_cases_received_order ON public.cases USING btree (received_at, id);


--
-- Name: ix_cases_reference_prefix; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_cases_reference_prefix ON public.cases USING btree (reference varchar_pattern_ops);


--
-- Name: ix_cases_status_due_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_cases_status_due_at ON public.cases USING btree (status, due_at);


--
-- Name: ix_ended_public_tokens_expires_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_ended_public_tokens_expires_at ON public.ended_public_tokens USING btree (expires_at);


--
-- Name: ix_notifications_user_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_notifications_user_id ON public.notifications USING btree (user_id);


--
-- Name: ix_outbox_sent_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_outbox_sent_at ON public.outbox USING btree (sent_at);


--
-- Name: ix_reopen_requests_case_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_reopen_requests_case_id ON public.reopen_requests USING btree (case_id);


--
-- Name: ix_reopen_requests_requested_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_reopen_requests_requested_at ON public.reopen_requests USING btree (requested_at);


--
-- Name: ix_reveal_requests_case_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_reveal_requests_case_id ON public.reveal_requests USING btree (case_id);


--
-- Name: ix_staff_sessions_user_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_staff_sessions_user_id ON public.staff_sessions USING btree (user_id);


--
-- Name: ix_users_enrolment_digest; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX ix_users_enrolment_digest ON public.users USING btree (enrolment_digest);


--
-- Name: ux_reopen_requests_one_pending; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX ux_reopen_requests_one_pending ON public.reopen_requests USING btree (case_id) WHERE ((outcome)::text = 'pending'::text);


--
-- Name: audit_log audit_log_no_change; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_log_no_change BEFORE DELETE OR UPDATE ON public.audit_log FOR EACH ROW EXECUTE FUNCTION public.audit_log_refuse();


--
-- Name: audit_log audit_log_no_truncate; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON public.audit_log FOR EACH STATEMENT EXECUTE FUNCTION public.audit_log_refuse();


--
-- Name: attachments fk_attachments_case_id_cases; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.attachments
    ADD CONSTRAINT fk_attachments_case_id_cases FOREIGN KEY (case_id) REFERENCES public.cases(id);


--
-- Name: attachments fk_attachments_event_id_case_events; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.attachments
    ADD CONSTRAINT fk_attachments_event_id_case_events FOREIGN KEY (event_id) REFERENCES public.case_events(id);


--
-- Name: case_events fk_case_events_actor_id_users; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.case_events
    ADD CONSTRAINT fk_case_events_actor_id_users FOREIGN KEY (actor_id) REFERENCES public.users(id);


--
-- Name: case_events fk_case_events_case_id_cases; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.case_events
    ADD CONSTRAINT fk_case_events_case_id_cases FOREIGN KEY (case_id) REFERENCES public.cases(id);


--
-- Name: case_exclusions fk_case_exclusions_case_id_cases; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.case_exclusions
    ADD CONSTRAINT fk_case_exclusions_case_id_cases FOREIGN KEY (case_id) REFERENCES public.cases(id);


--
-- Name: case_exclusions fk_case_exclusions_created_by_id_users; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.case_exclusions
    ADD CONSTRAINT fk_case_exclusions_created_by_id_users FOREIGN KEY (created_by_id) REFERENCES public.users(id);


--
-- Name: case_exclusions fk_case_exclusions_user_id_users; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.case_exclusions
    ADD CONSTRAINT fk_case_exclusions_user_id_users FOREIGN KEY (user_id) REFERENCES public.users(id);


--
-- Name: cases fk_cases_category_id_categories; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.cases
    ADD CONSTRAINT fk_cases_category_id_categories FOREIGN KEY (category_id) REFERENCES public.categories(id);


--
-- Name: cases fk_cases_department_id_departments; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.cases
    ADD CONSTRAINT fk_cases_department_id_departments FOREIGN KEY (department_id) REFERENCES public.departments(id);


--
-- Name: cases fk_cases_identity_key_id_identity_keys; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.cases
    ADD CONSTRAINT fk_cases_identity_key_id_identity_keys FOREIGN KEY (identity_key_id) REFERENCES public.identity_keys(id);


--
-- Name: cases fk_cases_primary_case_id_cases; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.cases
    ADD CONSTRAINT fk_cases_primary_case_id_cases FOREIGN KEY (primary_case_id) REFERENCES public.cases(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: cases fk_cases_registered_by_id_users; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.cases
    ADD CONSTRAINT fk_cases_registered_by_id_users FOREIGN KEY (registered_by_id) REFERENCES public.users(id);


--
-- Name: categories fk_categories_department_id_departments; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.categories
    ADD CONSTRAINT fk_categories_department_id_departments FOREIGN KEY (department_id) REFERENCES public.departments(id);


--
-- Name: custodian_keys fk_custodian_keys_user_id_users; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.custodian_keys
    ADD CONSTRAINT fk_custodian_keys_user_id_users FOREIGN KEY (user_id) REFERENCES public.users(id);


--
-- Name: identity_key_grants fk_identity_key_grants_identity_key_id_identity_keys; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.identity_key_grants
    ADD CONSTRAINT fk_identity_key_grants_identity_key_id_identity_keys FOREIGN KEY (identity_key_id) REFERENCES public.identity_keys(id);


--
-- Name: identity_key_grants fk_identity_key_grants_user_id_custodian_keys; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.identity_key_grants
    ADD CONSTRAINT fk_identity_key_grants_user_id_custodian_keys FOREIGN KEY (user_id) REFERENCES public.custodian_keys(user_id);


--
-- Name: notifications fk_notifications_case_id_cases; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.notifications
    ADD CONSTRAINT fk_notifications_case_id_cases FOREIGN KEY (case_id) REFERENCES public.cases(id);


--
-- Name: notifications fk_notifications_reveal_request_id_reveal_requests; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.notifications
    ADD CONSTRAINT fk_notifications_reveal_request_id_reveal_requests FOREIGN KEY (reveal_request_id) REFERENCES public.reveal_requests(id);


--
-- Name: notifications fk_notifications_user_id_users; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.notifications
    ADD CONSTRAINT fk_notifications_user_id_users FOREIGN KEY (user_id) REFERENCES public.users(id);


--
-- Name: personal_keys fk_personal_keys_user_id_users; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.personal_keys
    ADD CONSTRAINT fk_personal_keys_user_id_users FOREIGN KEY (user_id) REFERENCES public.users(id);


--
-- Name: reminders_sent fk_reminders_sent_user_id_users; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.reminders_sent
    ADD CONSTRAINT fk_reminders_sent_user_id_users FOREIGN KEY (user_id) REFERENCES public.users(id);


--
-- Name: reopen_requests fk_reopen_requests_answer_event_id_case_events; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.reopen_requests
    ADD CONSTRAINT fk_reopen_requests_answer_event_id_case_events FOREIGN KEY (answer_event_id) REFERENCES public.case_events(id);


--
-- Name: reopen_requests fk_reopen_requests_case_id_cases; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.reopen_requests
    ADD CONSTRAINT fk_reopen_requests_case_id_cases FOREIGN KEY (case_id) REFERENCES public.cases(id);


--
-- Name: reopen_requests fk_reopen_requests_decided_by_id_users; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.reopen_requests
    ADD CONSTRAINT fk_reopen_requests_decided_by_id_users FOREIGN KEY (decided_by_id) REFERENCES public.users(id);


--
-- Name: reopen_requests fk_reopen_requests_event_id_case_events; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.reopen_requests
    ADD CONSTRAINT fk_reopen_requests_event_id_case_events FOREIGN KEY (event_id) REFERENCES public.case_events(id);


--
-- Name: report_narratives fk_report_narratives_updated_by_id_users; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.report_narratives
    ADD CONSTRAINT fk_report_narratives_updated_by_id_users FOREIGN KEY (updated_by_id) REFERENCES public.users(id);


--
-- Name: reveal_requests fk_reveal_requests_case_id_cases; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.reveal_requests
    ADD CONSTRAINT fk_reveal_requests_case_id_cases FOREIGN KEY (case_id) REFERENCES public.cases(id);


--
-- Name: reveal_requests fk_reveal_requests_decided_by_id_users; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.reveal_requests
    ADD CONSTRAINT fk_reveal_requests_decided_by_id_users FOREIGN KEY (decided_by_id) REFERENCES public.users(id);


--
-- Name: reveal_requests fk_reveal_requests_requester_id_users; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.reveal_requests
    ADD CONSTRAINT fk_reveal_requests_requester_id_users FOREIGN KEY (requester_id) REFERENCES public.users(id);


--
-- Name: satisfaction fk_satisfaction_case_id_cases; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.satisfaction
    ADD CONSTRAINT fk_satisfaction_case_id_cases FOREIGN KEY (case_id) REFERENCES public.cases(id);


--
-- Name: sign_in_failures fk_sign_in_failures_user_id_users; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sign_in_failures
    ADD CONSTRAINT fk_sign_in_failures_user_id_users FOREIGN KEY (user_id) REFERENCES public.users(id);


--
-- Name: staff_sessions fk_staff_sessions_user_id_users; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.staff_sessions
    ADD CONSTRAINT fk_staff_sessions_user_id_users FOREIGN KEY (user_id) REFERENCES public.users(id);


--
-- Name: users fk_users_department_id_departments; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.users
    ADD CONSTRAINT fk_users_department_id_departments FOREIGN KEY (department_id) REFERENCES public.departments(id);


--
-- PostgreSQL database dump complete
--


