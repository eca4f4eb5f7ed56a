-- The Derailed v1 tables the gateway reads (REFERENCE.md section 4), for H2 2.x and PostgreSQL 15 alike:
-- portable types only (BIGINT, INTEGER, VARCHAR, BOOLEAN, TIMESTAMP WITH TIME ZONE), unquoted names.
-- Ids are 64-bit snowflakes. Rows that hang off a user or a guild go with it (ON DELETE CASCADE).

CREATE TABLE users (
    id            BIGINT       NOT NULL PRIMARY KEY,
    username      VARCHAR(32)  NOT NULL,
    discriminator VARCHAR(4)   NOT NULL DEFAULT '0',
    email         VARCHAR(320),
    password      VARCHAR(512) NOT NULL,
    flags         INTEGER      NOT NULL DEFAULT 0,
    system        BOOLEAN      NOT NULL DEFAULT FALSE,
    bot           BOOLEAN      NOT NULL DEFAULT FALSE,
    suspended     BOOLEAN      NOT NULL DEFAULT FALSE,
    avatar        VARCHAR(255),
    global_name   VARCHAR(32)
);

CREATE TABLE settings (
    user_id BIGINT      NOT NULL PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    status  VARCHAR(16) NOT NULL DEFAULT 'online',
    CONSTRAINT settings_status_known CHECK (status IN ('online', 'idle', 'dnd', 'invisible'))
);

CREATE TABLE activities (
    user_id    BIGINT                   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    type       INTEGER                  NOT NULL DEFAULT 0,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    content    VARCHAR(1024)
);

CREATE INDEX activities_user_id_idx ON activities (user_id);

CREATE TABLE guilds (
    id          BIGINT       NOT NULL PRIMARY KEY,
    name        VARCHAR(100) NOT NULL,
    icon        VARCHAR(255),
    owner_id    BIGINT       NOT NULL,
    flags       BIGINT       NOT NULL DEFAULT 0,
    permissions BIGINT       NOT NULL DEFAULT 0
);

CREATE TABLE roles (
    id          BIGINT       NOT NULL PRIMARY KEY,
    guild_id    BIGINT       NOT NULL REFERENCES guilds (id) ON DELETE CASCADE,
    name        VARCHAR(100) NOT NULL,
    permissions BIGINT       NOT NULL DEFAULT 0,
    position    INTEGER      NOT NULL DEFAULT 0,
    color       INTEGER      NOT NULL DEFAULT 0,
    hoist       BOOLEAN      NOT NULL DEFAULT FALSE,
    mentionable BOOLEAN      NOT NULL DEFAULT FALSE
);

CREATE INDEX roles_guild_id_idx ON roles (guild_id);

CREATE TABLE members (
    user_id   BIGINT                   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    guild_id  BIGINT                   NOT NULL REFERENCES guilds (id) ON DELETE CASCADE,
    nick      VARCHAR(32),
    joined_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (user_id, guild_id)
);

CREATE INDEX members_user_id_idx ON members (user_id);
CREATE INDEX members_guild_id_idx ON members (guild_id);

CREATE TABLE member_roles (
    user_id  BIGINT NOT NULL,
    guild_id BIGINT NOT NULL,
    role_id  BIGINT NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, guild_id, role_id),
    FOREIGN KEY (user_id, guild_id) REFERENCES members (user_id, guild_id) ON DELETE CASCADE
);

CREATE INDEX member_roles_guild_id_user_id_idx ON member_roles (guild_id, user_id);
CREATE INDEX member_roles_role_id_idx ON member_roles (role_id);

CREATE TABLE channels (
    id              BIGINT       NOT NULL PRIMARY KEY,
    guild_id        BIGINT       NOT NULL REFERENCES guilds (id) ON DELETE CASCADE,
    type            INTEGER      NOT NULL DEFAULT 0,
    name            VARCHAR(100) NOT NULL,
    position        INTEGER      NOT NULL DEFAULT 0,
    parent_id       BIGINT,
    topic           VARCHAR(1024),
    last_message_id BIGINT
);

CREATE INDEX channels_guild_id_idx ON channels (guild_id);
