-- The whole schema of the first release. Later changes go in new numbered files;
-- a file that has been released is never edited.
--
-- No FOREIGN KEY clauses: DuckDB refuses updates of rows that other rows reference,
-- which would make ordinary edits (renaming a team) fail. The core modules that own
-- each table keep references consistent.
-- Free-text columns end in _enc and hold ciphertext written by core/crypto.py.

CREATE SEQUENCE user_id_seq;
CREATE TABLE users (
    id INTEGER PRIMARY KEY DEFAULT nextval('user_id_seq'),
    username VARCHAR NOT NULL UNIQUE,
    name VARCHAR NOT NULL,
    email VARCHAR NOT NULL DEFAULT '',
    password_hash VARCHAR NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    password_reset_at TIMESTAMP,
    -- Sessions (cookies and open tabs) started at or before this epoch second are refused.
    sessions_revoked_at DOUBLE NOT NULL DEFAULT 0,
    language VARCHAR,
    manager_id INTEGER,
    team_id INTEGER,
    is_demo BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE TABLE user_roles (
    user_id INTEGER NOT NULL,
    role VARCHAR NOT NULL CHECK (role IN ('employee', 'manager', 'admin')),
    PRIMARY KEY (user_id, role)
);

CREATE SEQUENCE team_id_seq;
CREATE TABLE teams (
    id INTEGER PRIMARY KEY DEFAULT nextval('team_id_seq'),
    name VARCHAR NOT NULL UNIQUE,
    manager_id INTEGER,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE SEQUENCE round_id_seq;
CREATE TABLE rounds (
    id INTEGER PRIMARY KEY DEFAULT nextval('round_id_seq'),
    team_id INTEGER NOT NULL,
    name VARCHAR NOT NULL,
    state VARCHAR NOT NULL DEFAULT 'planned' CHECK (state IN ('planned', 'open', 'closed')),
    starts_on DATE,
    ends_on DATE,
    -- The k threshold, frozen when the round gets its first conversation record.
    k INTEGER,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    opened_at TIMESTAMP,
    closed_at TIMESTAMP
);

-- One employee's preparation for one round: the zone self-placement and the ready mark.
CREATE TABLE preparations (
    user_id INTEGER NOT NULL,
    round_id INTEGER NOT NULL,
    zone VARCHAR CHECK (zone IS NULL OR zone IN ('thriving', 'risk', 'danger')),
    ready BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (user_id, round_id)
);

-- One note per guide question (or the preparation question), private until shared.
CREATE TABLE preparation_items (
    user_id INTEGER NOT NULL,
    round_id INTEGER NOT NULL,
    item_id VARCHAR NOT NULL,
    note_enc VARCHAR NOT NULL DEFAULT '',
    flagged BOOLEAN NOT NULL DEFAULT FALSE,
    shared BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (user_id, round_id, item_id)
);

CREATE SEQUENCE conversation_id_seq;
CREATE TABLE conversations (
    id INTEGER PRIMARY KEY DEFAULT nextval('conversation_id_seq'),
    round_id INTEGER NOT NULL,
    team_id INTEGER NOT NULL,
    employee_id INTEGER NOT NULL,
    manager_id INTEGER NOT NULL,
    scheduled_on DATE,
    selected_questions VARCHAR NOT NULL DEFAULT '[]',
    -- Timer: seconds accumulated while paused plus, when running, time since started_at.
    timer_started_at DOUBLE,
    timer_accumulated_s DOUBLE NOT NULL DEFAULT 0,
    duration_s DOUBLE,
    held_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    UNIQUE (round_id, employee_id)
);

CREATE TABLE conversation_themes (
    conversation_id INTEGER NOT NULL,
    theme_id VARCHAR NOT NULL,
    polarity VARCHAR NOT NULL CHECK (polarity IN ('straining', 'protective')),
    PRIMARY KEY (conversation_id, theme_id, polarity)
);

CREATE SEQUENCE agreement_id_seq;
CREATE TABLE agreements (
    id INTEGER PRIMARY KEY DEFAULT nextval('agreement_id_seq'),
    conversation_id INTEGER NOT NULL,
    text_enc VARCHAR NOT NULL,
    owner VARCHAR NOT NULL DEFAULT '',
    due_on DATE,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE SEQUENCE group_action_id_seq;
CREATE TABLE group_actions (
    id INTEGER PRIMARY KEY DEFAULT nextval('group_action_id_seq'),
    team_id INTEGER NOT NULL,
    round_id INTEGER NOT NULL,
    text_enc VARCHAR NOT NULL,
    theme_id VARCHAR,
    owner VARCHAR NOT NULL DEFAULT '',
    due_on DATE,
    status VARCHAR NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'dropped')),
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    updated_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- A manager's last question selection, offered as the default next time.
CREATE TABLE manager_preferences (
    manager_id INTEGER PRIMARY KEY,
    default_questions VARCHAR NOT NULL DEFAULT '[]'
);

CREATE TABLE settings (
    key VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);

CREATE SEQUENCE audit_id_seq;
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY DEFAULT nextval('audit_id_seq'),
    occurred_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    actor_id INTEGER,
    actor VARCHAR NOT NULL,
    action VARCHAR NOT NULL,
    subject_id INTEGER,
    detail VARCHAR NOT NULL DEFAULT ''
);

-- Every login attempt, for per-username throttling. Usernames that do not exist are
-- recorded the same way, so an attacker cannot tell them apart.
CREATE TABLE login_attempts (
    username VARCHAR NOT NULL,
    attempted_at DOUBLE NOT NULL,
    outcome VARCHAR NOT NULL CHECK (outcome IN ('success', 'failure', 'locked'))
);
CREATE INDEX login_attempts_username ON login_attempts (username);

-- One-time token for creating the first administrator from the browser.
CREATE TABLE setup_tokens (
    token_hash VARCHAR PRIMARY KEY,
    created_at DOUBLE NOT NULL
);
