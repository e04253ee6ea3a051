-- The Membership Center's own database (MISSION M1–M9). It never holds a password or a copy of
-- the Network's accounts: a person is the Network's subject identifier (`sub`) and what the
-- ID token said at the last sign-in. Times are Unix seconds. Formats: docs/formats/members-schema.md.

-- M1, M8: an individual profile per Network subject. A different Network account is a different
-- subject and so a different individual.
CREATE TABLE individuals (
  id                     TEXT PRIMARY KEY,         -- "ind_" + random
  subject                TEXT NOT NULL UNIQUE,     -- the Network's sub for this site
  name                   TEXT NOT NULL,
  job_title              TEXT NOT NULL DEFAULT '',
  phone                  TEXT NOT NULL DEFAULT '',
  preferred_email        TEXT NOT NULL,
  signin_email           TEXT NOT NULL,            -- from the ID token, refreshed at sign-in
  signin_email_verified  INTEGER NOT NULL,
  network_name           TEXT NOT NULL DEFAULT '',  -- the name the Network gave at the last sign-in
  created_at             INTEGER NOT NULL,
  updated_at             INTEGER NOT NULL
) STRICT;

-- M2: organizations.
CREATE TABLE organizations (
  id                      TEXT PRIMARY KEY,        -- "org_" + random
  name                    TEXT NOT NULL,
  country                 TEXT NOT NULL,
  website                 TEXT NOT NULL DEFAULT '',
  company_email_required  INTEGER NOT NULL DEFAULT 0,  -- M7
  created_at              INTEGER NOT NULL,
  updated_at              INTEGER NOT NULL
) STRICT;

-- M3: locations; the headquarters is the first.
CREATE TABLE locations (
  id               TEXT PRIMARY KEY,               -- "loc_" + random
  organization_id  TEXT NOT NULL REFERENCES organizations(id),
  name             TEXT NOT NULL,
  street           TEXT NOT NULL DEFAULT '',
  city             TEXT NOT NULL DEFAULT '',
  region           TEXT NOT NULL DEFAULT '',
  postal_code      TEXT NOT NULL DEFAULT '',
  country          TEXT NOT NULL,
  headquarters     INTEGER NOT NULL DEFAULT 0,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL
) STRICT;
CREATE INDEX locations_by_organization ON locations(organization_id);

-- M6: who belongs to which organization, at which location (one membership per person and
-- organization).
CREATE TABLE memberships (
  individual_id    TEXT NOT NULL REFERENCES individuals(id),
  organization_id  TEXT NOT NULL REFERENCES organizations(id),
  location_id      TEXT NOT NULL REFERENCES locations(id),
  created_at       INTEGER NOT NULL,
  PRIMARY KEY (individual_id, organization_id)
) STRICT;
CREATE INDEX memberships_by_location ON memberships(location_id);

-- M4: administrative rights. location_id '' is Global Administrator (the whole organization);
-- a location id is Location Administrator of that location. No row: no rights.
CREATE TABLE admin_rights (
  individual_id    TEXT NOT NULL REFERENCES individuals(id),
  organization_id  TEXT NOT NULL REFERENCES organizations(id),
  location_id      TEXT NOT NULL,
  granted_by       TEXT NOT NULL,
  created_at       INTEGER NOT NULL,
  PRIMARY KEY (individual_id, organization_id, location_id)
) STRICT;

-- M5: program contact roles; exactly one primary per organization.
CREATE TABLE contact_roles (
  individual_id    TEXT NOT NULL REFERENCES individuals(id),
  organization_id  TEXT NOT NULL REFERENCES organizations(id),
  role             TEXT NOT NULL CHECK (role IN ('primary', 'billing', 'technical', 'marketing', 'sales')),
  created_at       INTEGER NOT NULL,
  PRIMARY KEY (individual_id, organization_id, role)
) STRICT;
CREATE UNIQUE INDEX one_primary_contact ON contact_roles(organization_id) WHERE role = 'primary';

-- M6: invitations, single use and bound to the invited address (SECURITY.md, access control).
CREATE TABLE invitations (
  token_hash       BLOB PRIMARY KEY,               -- SHA-256 of the link token
  public_id        TEXT NOT NULL UNIQUE,
  organization_id  TEXT NOT NULL REFERENCES organizations(id),
  location_id      TEXT NOT NULL REFERENCES locations(id),
  email            TEXT NOT NULL,                  -- as typed
  email_key        TEXT NOT NULL,                  -- case-folded, compared with the sign-in address
  rights           TEXT NOT NULL CHECK (rights IN ('none', 'location', 'global')),
  roles            TEXT NOT NULL DEFAULT '',       -- comma-separated contact roles
  invited_by       TEXT NOT NULL REFERENCES individuals(id),
  created_at       INTEGER NOT NULL,
  expires_at       INTEGER NOT NULL,
  used_at          INTEGER,
  used_by          TEXT,
  revoked_at       INTEGER
) STRICT;
CREATE INDEX invitations_by_organization ON invitations(organization_id);

-- M6: requests to join, decided by the administrators of the requested location.
CREATE TABLE join_requests (
  id               TEXT PRIMARY KEY,               -- "req_" + random
  individual_id    TEXT NOT NULL REFERENCES individuals(id),
  organization_id  TEXT NOT NULL REFERENCES organizations(id),
  location_id      TEXT NOT NULL REFERENCES locations(id),
  message          TEXT NOT NULL DEFAULT '',
  created_at       INTEGER NOT NULL,
  decided_at       INTEGER,
  decided_by       TEXT,
  decision         TEXT CHECK (decision IN ('approved', 'declined'))
) STRICT;
CREATE INDEX join_requests_open ON join_requests(organization_id, decided_at);
CREATE UNIQUE INDEX one_open_request ON join_requests(individual_id, organization_id)
  WHERE decided_at IS NULL;

-- M9: every change, written in the transaction that makes it.
CREATE TABLE audit_log (
  id               INTEGER PRIMARY KEY,
  organization_id  TEXT NOT NULL,                  -- '' for changes outside an organization
  actor_id         TEXT NOT NULL,                  -- the individual who acted
  action           TEXT NOT NULL,                  -- "organization.enrolled", "rights.changed", …
  subject_id       TEXT NOT NULL DEFAULT '',       -- what the change is about
  before_json      TEXT NOT NULL DEFAULT '{}',
  after_json       TEXT NOT NULL DEFAULT '{}',
  at               INTEGER NOT NULL
) STRICT;
CREATE INDEX audit_by_organization ON audit_log(organization_id, id);

-- The site's own sessions (rp::SiteAuth): a random cookie token, stored hashed, with the claims
-- of the sign-in and the Network's session id (sid) for back-channel logout.
CREATE TABLE sessions (
  token_hash      BLOB PRIMARY KEY,
  subject         TEXT NOT NULL,
  name            TEXT NOT NULL,
  email           TEXT NOT NULL,
  email_verified  INTEGER NOT NULL DEFAULT 0,
  network_sid     TEXT NOT NULL,
  id_token        TEXT NOT NULL,
  created_at      INTEGER NOT NULL,
  expires_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_by_network_sid ON sessions(network_sid);
CREATE INDEX sessions_by_subject ON sessions(subject);
